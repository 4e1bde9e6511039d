"use client";
// One instance's history, newest first: its own events (state changes, staff
// actions), the callbacks that named it, and the Kit syncs of its tenants.
// Each callback links to its log; a tenant admin may read those too (the
// callback pages scope logs to the instances and tenant of their enterprise).
// The server sends codes and values (lib/instances/get-instance-detail.ts);
// the words are the reader's (instances.timeline). A handler's note is the
// handler's own sentence, as logged.
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { useInstanceLabels } from "@/components/portal/instances/format";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import type { TimelineItem } from "@/components/portal/instance-queries";
import { STAFF_ONLY_ERROR } from "@/lib/portal/error-text";

const TONE: Record<TimelineItem["kind"], BadgeTone> = { event: "neutral", callback: "info", sync: "good" };

type Messages = ReturnType<typeof useTranslations<"instances.timeline">>;

function has(t: Messages, key: string): boolean {
  return t.has(key as Parameters<Messages["has"]>[0]);
}

function titleOf(item: TimelineItem, t: Messages): string {
  if (item.kind === "callback") return t("callbackTitle", { activity: item.code });
  if (item.kind === "sync") return t("syncTitle", { kind: item.code, tenant: item.tenant ?? "" });
  return has(t, `events.${item.code}`) ? t(`events.${item.code}` as "events.CREATED") : item.code;
}

/** The line under the title: what changed, the answer, then what the row recorded, in the reader's words and zone. */
function detailOf(item: TimelineItem, t: Messages, words: { state: (code: string) => string; time: (iso: string) => string; staffOnly: string }): string {
  const { state, time } = words;
  const parts: string[] = [];
  if (item.fromState && item.toState && item.fromState !== item.toState) parts.push(t("change", { from: state(item.fromState), to: state(item.toState) }));
  else if (item.toState && !item.fromState) parts.push(t("changeTo", { to: state(item.toState) }));
  if (item.orderId) parts.push(t("order", { orderId: item.orderId }));
  if (item.resultCode) parts.push(item.resultMsg ? t("resultWithMsg", { code: item.resultCode, msg: item.resultMsg }) : t("result", { code: item.resultCode }));
  if (item.verification) parts.push(t("verification", { outcome: item.verification }));
  if (item.isRerun) parts.push(t("rerun"));
  if (item.flag !== undefined) parts.push(t("flag", { flag: item.flag }));
  for (const { key, value } of item.facts) {
    const name = has(t, `facts.${key}`) ? t(`facts.${key}` as "facts.reason") : key;
    const shown = value === STAFF_ONLY_ERROR ? words.staffOnly : key.endsWith("At") && !Number.isNaN(Date.parse(value)) ? time(value) : value;
    parts.push(t("fact", { name, value: shown }));
  }
  return parts.join(t("separator"));
}

function actorOf(actor: string, t: Messages): string {
  return has(t, `actors.${actor}`) ? t(`actors.${actor}` as "actors.staff") : actor;
}

export function InstanceTimeline({ items, isCapped }: { items: TimelineItem[]; isCapped: boolean }) {
  const t = useTranslations("instances.timeline");
  const { time } = useTimeFormat();
  const { state } = useInstanceLabels();
  const staffOnly = useTranslations("common.state")("staffOnlyError");
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
            const title = titleOf(item, t);
            const detail = detailOf(item, t, { state, time, staffOnly });
            return (
              <li key={`${item.kind}-${item.at}-${n}`} className="py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <time dateTime={item.at} className="whitespace-nowrap text-slate-700">
                    {when}
                  </time>
                  <Badge tone={TONE[item.kind]}>{t(`kind.${item.kind}`)}</Badge>
                  <span className="font-medium">{title}</span>
                  {item.actor ? <span className="text-slate-600">{t("by", { actor: actorOf(item.actor, t) })}</span> : null}
                  {item.callbackLogId ? (
                    <Link className="underline underline-offset-2" href={`/portal/callbacks/${encodeURIComponent(item.callbackLogId)}`}>
                      {t("callbackLog")}
                      <span className="sr-only">{t("callbackLogFor", { title, time: when })}</span>
                    </Link>
                  ) : null}
                </div>
                {detail ? <p className="mt-0.5 break-words text-slate-700">{detail}</p> : null}
                {item.note ? (
                  <p className="mt-0.5 break-words text-xs text-slate-600" data-i18n="server-text">
                    {item.note}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
