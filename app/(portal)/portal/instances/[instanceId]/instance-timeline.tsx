"use client";
// One instance's history, newest first: its own events (state changes, staff
// actions), the callbacks that named it, and the Kit syncs of its tenants.
// Each callback links to its log; a tenant admin may read those too (the
// callback pages scope logs to the instances and tenant of their enterprise).
// The titles, details and actors are composed by the server (lib/instances/get-instance-detail.ts).
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TimelineItem } from "@/components/portal/instance-queries";

const TONE: Record<TimelineItem["kind"], BadgeTone> = { event: "neutral", callback: "info", sync: "good" };

export function InstanceTimeline({ items, isCapped }: { items: TimelineItem[]; isCapped: boolean }) {
  const t = useTranslations("instances.timeline");
  const { time } = useTimeFormat();
  return (
    <section aria-labelledby="timeline-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="timeline-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      {isCapped ? <p className="mt-1 text-xs text-slate-600">{t("capped")}</p> : null}
      {items.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t("empty")}</p>
      ) : (
        <ol className="mt-3 divide-y divide-slate-100 text-sm">
          {items.map((item, n) => {
            const when = time(item.at);
            return (
              <li key={`${item.kind}-${item.at}-${n}`} className="py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <time dateTime={item.at} className="whitespace-nowrap text-slate-700">
                    {when}
                  </time>
                  <Badge tone={TONE[item.kind]}>{t(`kind.${item.kind}`)}</Badge>
                  <span className="font-medium">{item.title}</span>
                  {item.actor ? <span className="text-slate-600">{t("by", { actor: item.actor })}</span> : null}
                  {item.callbackLogId ? (
                    <Link className="underline underline-offset-2" href={`/portal/callbacks/${encodeURIComponent(item.callbackLogId)}`}>
                      {t("callbackLog")}
                      <span className="sr-only">{t("callbackLogFor", { title: item.title, time: when })}</span>
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
