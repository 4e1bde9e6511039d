"use client";
// Times as the portal shows them: in the viewer's display zone (PORTAL_TIME_ZONE
// or their choice) and language, the zone named, the same on the server's first
// render and in the browser (both read the zone from next-intl's configuration).
import { useFormatter } from "next-intl";

export const TIME_FORMAT = {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
} as const satisfies Intl.DateTimeFormatOptions;

export function useTimeFormat(): { time: (iso: string) => string } {
  const format = useFormatter();
  return { time: (iso: string) => format.dateTime(new Date(iso), TIME_FORMAT) };
}
