// Times in server components: the same zone, language and shapes as
// useTimeFormat (components/i18n/use-time-format.ts) gives client components.
import { getFormatter, getLocale, getTimeZone } from "next-intl/server";
import { DATE_FORMAT, TIME_FORMAT, zoneName } from "@/lib/i18n/config";

export async function getTimeFormat(): Promise<{ time: (at: Date | string) => string; date: (at: Date | string) => string }> {
  const [format, locale, timeZone] = await Promise.all([getFormatter(), getLocale(), getTimeZone()]);
  return {
    time: (at) => `${format.dateTime(new Date(at), TIME_FORMAT)} ${zoneName(new Date(at), locale, timeZone)}`,
    date: (at) => format.dateTime(new Date(at), DATE_FORMAT),
  };
}
