// Small display helpers shared by the instance list and detail.
import type { BadgeTone } from "@/components/ui/badge";

/** A timestamp in the viewer's locale and time zone, to the minute. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit" });
}

export function provisionTone(status: string): BadgeTone {
  switch (status) {
    case "DONE":
      return "good";
    case "FAILED":
      return "bad";
    default:
      return "warn";
  }
}
