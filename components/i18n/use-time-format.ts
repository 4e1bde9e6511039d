"use client";
// Times as the portal shows them: in the viewer's display zone (PORTAL_TIME_ZONE
// or their choice) and language, the zone named, the same on the server's first
// render and in the browser (both read the zone from next-intl's configuration).
import { useFormatter, useLocale, useTimeZone } from "next-intl";
import { DATE_FORMAT, TIME_FORMAT, zoneName } from "@/lib/i18n/config";

export function useTimeFormat(): { time: (iso: string) => string; date: (iso: string) => string; relative: (iso: string) => string } {
  const format = useFormatter();
  const locale = useLocale();
  const timeZone = useTimeZone() ?? "UTC";
  return {
    time: (iso: string) => {
      const at = new Date(iso);
      return `${format.dateTime(at, TIME_FORMAT)} ${zoneName(at, locale, timeZone)}`;
    },
    date: (iso: string) => format.dateTime(new Date(iso), DATE_FORMAT),
    // "3 分钟前" / "3 minutes ago", against the clock next-intl was given for this render (the same on server and client).
    relative: (iso: string) => format.relativeTime(new Date(iso)),
  };
}
