"use client";
// One instance's history, newest first: its own events (state changes, staff
// actions), the callbacks that named it, and the Kit syncs of its tenants.
// Each callback links to its log; a tenant admin may read those too (the
// callback pages scope logs to the instances and tenant of their enterprise).
import Link from "next/link";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TimelineItem } from "@/components/portal/instance-queries";
import { formatDateTime } from "@/components/portal/instances/format";

const KIND: Record<TimelineItem["kind"], { label: string; tone: BadgeTone }> = {
  event: { label: "event", tone: "neutral" },
  callback: { label: "callback", tone: "info" },
  sync: { label: "Kit sync", tone: "good" },
};

export function InstanceTimeline({ items, isCapped }: { items: TimelineItem[]; isCapped: boolean }) {
  return (
    <section aria-labelledby="timeline-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        Timeline
      </h2>
      {isCapped ? <p className="mt-1 text-xs text-slate-600">Showing the latest 200 events, callbacks and syncs of each kind.</p> : null}
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">Nothing recorded yet.</p>
      ) : (
        <ol className="mt-3 divide-y divide-slate-100 text-sm">
          {items.map((item, n) => {
            const when = formatDateTime(item.at);
            return (
              <li key={`${item.kind}-${item.at}-${n}`} className="py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <time dateTime={item.at} className="whitespace-nowrap text-slate-700">
                    {when}
                  </time>
                  <Badge tone={KIND[item.kind].tone}>{KIND[item.kind].label}</Badge>
                  <span className="font-medium">{item.title}</span>
                  {item.actor ? <span className="text-slate-600">by {item.actor}</span> : null}
                  {item.callbackLogId ? (
                    <Link className="underline underline-offset-2" href={`/portal/callbacks/${encodeURIComponent(item.callbackLogId)}`}>
                      Callback log
                      <span className="sr-only">
                        {" "}
                        for {item.title}, {when}
                      </span>
                    </Link>
                  ) : null}
                </div>
                {item.detail ? <p className="mt-0.5 break-words text-slate-700">{item.detail}</p> : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
