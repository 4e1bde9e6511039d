// The instance list's "Created from / to" dates are whole days in the viewer's
// display zone (next-intl's time zone): this turns them into the instants the
// list API and the CSV export take (ISO with Z), so "from 25 Nov" in
// Asia/Shanghai starts at 2026-11-24T16:00:00Z. Pure, for the browser and the server.
import { TIME_FORMAT } from "@/lib/i18n/config";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The zone's wall-clock date and time at an instant, read as if it were UTC (ms). */
function wallClock(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", { ...TIME_FORMAT, timeZone }).formatToParts(new Date(at));
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(part("year"), part("month") - 1, part("day"), part("hour"), part("minute"), part("second")) + (((at % 1000) + 1000) % 1000);
}

/** The day's calendar fields, or undefined when it is not a real YYYY-MM-DD date. */
function dayOf(day: string): number | undefined {
  const m = DAY.exec(day);
  if (!m) return undefined;
  const midnight = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(midnight);
  if (check.getUTCFullYear() !== Number(m[1]) || check.getUTCMonth() !== Number(m[2]) - 1 || check.getUTCDate() !== Number(m[3])) return undefined;
  return midnight;
}

/**
 * The first instant of a day (YYYY-MM-DD) in a time zone, or undefined for a
 * malformed date. Where the zone skips midnight (a daylight-saving change at
 * 00:00), the day starts when its clocks do.
 */
export function startOfDayIn(day: string, timeZone: string): Date | undefined {
  const midnight = dayOf(day);
  if (midnight === undefined) return undefined;
  // The offset at a guess, then at the result (they differ when a change lies between).
  const first = midnight - (wallClock(midnight, timeZone) - midnight);
  const second = midnight - (wallClock(first, timeZone) - first);
  const candidates = [first, second].filter((at) => wallClock(at, timeZone) >= midnight);
  return new Date(candidates.length ? Math.min(...candidates) : Math.max(first, second));
}

/** The last millisecond of a day in a time zone (the list API's `to` is inclusive). */
export function endOfDayIn(day: string, timeZone: string): Date | undefined {
  const midnight = dayOf(day);
  if (midnight === undefined) return undefined;
  const next = new Date(midnight + 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
  const start = startOfDayIn(next, timeZone);
  return start && new Date(start.getTime() - 1);
}

/**
 * The list filter's from/to as instants: a YYYY-MM-DD date is a whole day in
 * `timeZone`; anything else goes to the API as it is (which refuses it with a
 * message), and an empty value stays empty.
 */
export function dayRangeIn(from: string | undefined, to: string | undefined, timeZone: string): { from?: string; to?: string } {
  const instant = (value: string | undefined, edge: typeof startOfDayIn) => {
    if (!value) return undefined;
    return edge(value, timeZone)?.toISOString() ?? value;
  };
  return { from: instant(from, startOfDayIn), to: instant(to, endOfDayIn) };
}
