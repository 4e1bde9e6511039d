// Times in server components: the same zone, language and shapes as
// useTimeFormat (components/i18n/use-time-format.ts) gives client components.
import { getFormatter } from "next-intl/server";
import { DATE_FORMAT, TIME_FORMAT } from "@/lib/i18n/config";

export async function getTimeFormat(): Promise<{ time: (at: Date | string) => string; date: (at: Date | string) => string }> {
  const format = await getFormatter();
  return {
    time: (at) => format.dateTime(new Date(at), TIME_FORMAT),
    date: (at) => format.dateTime(new Date(at), DATE_FORMAT),
  };
}
