"use client";
// One event: what it is about, the data the receiver got, and per endpoint
// every attempt (when, HTTP status, latency, the error, the first 1 KiB of
// the answer). Operators resend it to every endpoint or to one.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { eventKeys, eventMutations, eventQueries, type EventDetailJson } from "@/components/portal/event-queries";
import { DeliveryBadge } from "@/components/portal/events/delivery-badge";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { secondaryButtonClass } from "@/components/ui/card";
import { TableHead } from "@/components/ui/table-head";
import { ErrorText } from "@/components/portal/error-text";

type Delivery = EventDetailJson["deliveries"][number];

function Attempts({ delivery }: { delivery: Delivery }) {
  const t = useTranslations("events.detail");
  const { time } = useTimeFormat();
  if (delivery.attemptList.length === 0) return <p className="text-sm text-slate-600">{t("notAttempted")}</p>;
  return (
    <div className="overflow-x-auto">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">{t("attemptsTo", { name: delivery.endpointName })}</caption>
        <TableHead
          variant="plain"
          columns={[t("columns.number"), t("columns.time"), t("columns.result"), { label: t("columns.latency"), align: "right" }, t("columns.answer")]}
        />
        <tbody>
          {delivery.attemptList.map((a, i) => (
            <tr key={`${a.attemptedAt}-${i}`} className="border-t border-slate-100 align-top">
              <td className="py-2 pr-3">{a.attempt}</td>
              <td className="whitespace-nowrap py-2 pr-3">
                <time dateTime={a.attemptedAt}>{time(a.attemptedAt)}</time>
              </td>
              <td className="py-2 pr-3">
                {a.isSuccess ? <Badge tone="good">{a.statusCode}</Badge> : <Badge tone="bad">{a.statusCode ?? t("noAnswer")}</Badge>}
                <ErrorText text={a.error} className="mt-0.5 break-words text-xs text-red-800" />
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{t("ms", { ms: a.durationMs })}</td>
              <td className="py-2 pr-3">
                {a.responseHead ? (
                  <details>
                    <summary className="cursor-pointer text-xs">{t("firstCharacters", { count: a.responseHead.length })}</summary>
                    <pre
                      tabIndex={0}
                      aria-label={t("answerLabel")}
                      className="mt-1 max-h-48 max-w-xl overflow-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 text-xs"
                    >
                      {a.responseHead}
                    </pre>
                  </details>
                ) : (
                  <span className="text-xs text-slate-600">{t("none")}</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ResendButton({ eventId, endpointId, label }: { eventId: string; endpointId?: string; label: string }) {
  const t = useTranslations("events.detail");
  const queryClient = useQueryClient();
  const resend = useMutation({
    mutationFn: () => eventMutations.resend(eventId, endpointId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventKeys.all }),
  });
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <button type="button" className={secondaryButtonClass} disabled={resend.isPending} onClick={() => resend.mutate()}>
        {resend.isPending ? t("queuing") : label}
      </button>
      <span aria-live="polite" className="text-sm">
        {resend.isSuccess ? (
          <span role="status">
            {resend.data.requeued === 0 ? t("inFlight") : t("queued", { count: resend.data.requeued })}
            {resend.data.disabledEndpoints.length > 0 ? ` ${t("disabledNote", { names: resend.data.disabledEndpoints.join(", ") })}` : null}
          </span>
        ) : null}
        {resend.isError ? (
          <span role="alert" className="text-red-800">
            {resend.error.message}
          </span>
        ) : null}
      </span>
    </span>
  );
}

export function EventDetailView({ eventId }: { eventId: string }) {
  const t = useTranslations("events.detail");
  const { time } = useTimeFormat();
  const query = useQuery(eventQueries.detail(eventId));
  const e = query.data;
  return (
    <QueryState query={query} isEmpty={!e} empty={t("notFound")}>
      {e ? (
        <div className="space-y-4">
          <section className="rounded-lg border border-slate-200 bg-white p-4 text-sm">
            <dl className="grid gap-x-6 gap-y-1 sm:grid-cols-[max-content_1fr]">
              <dt className="text-slate-600">{t("happened")}</dt>
              <dd>
                <time dateTime={e.occurredAt}>{time(e.occurredAt)}</time>
              </dd>
              <dt className="text-slate-600">{t("about")}</dt>
              <dd className="font-mono">
                <Link href={`/portal/events?subjectId=${encodeURIComponent(e.subjectId)}`} className="underline">
                  {e.subjectId}
                </Link>
              </dd>
              {e.tenantId ? (
                <>
                  <dt className="text-slate-600">{t("tenant")}</dt>
                  <dd className="font-mono">{e.tenantId}</dd>
                </>
              ) : null}
              <dt className="text-slate-600">{t("webhookId")}</dt>
              <dd className="font-mono">{e.id}</dd>
              {e.isTest ? (
                <>
                  <dt className="text-slate-600">{t("test")}</dt>
                  <dd>
                    <Badge tone="warn">{t("testBadge")}</Badge>
                  </dd>
                </>
              ) : null}
            </dl>
            {e.canResend && e.deliveries.length > 0 ? (
              <div className="mt-3">
                <ResendButton eventId={e.id} label={t("resendAll")} />
              </div>
            ) : null}
          </section>
          <section aria-labelledby="event-data" className="rounded-lg border border-slate-200 bg-white p-4">
            <h2 id="event-data" className="font-semibold">
              {t("data")}
            </h2>
            <pre tabIndex={0} aria-label={t("dataLabel")} className="mt-2 max-h-80 overflow-auto rounded bg-slate-50 p-2 text-xs">
              {JSON.stringify(e.data, null, 2)}
            </pre>
          </section>
          <section aria-labelledby="event-deliveries" className="space-y-3">
            <h2 id="event-deliveries" className="text-lg font-semibold">
              {t("deliveries")}
            </h2>
            {e.deliveries.length === 0 ? <p className="text-sm text-slate-600">{t("noDeliveries")}</p> : null}
            {e.deliveries.map((d) => (
              <article key={d.id} aria-label={t("deliveryTo", { name: d.endpointName })} className="rounded-lg border border-slate-200 bg-white p-4">
                <div className="flex flex-wrap items-center gap-2">
                  <h3 className="font-medium">{d.endpointName}</h3>
                  <DeliveryBadge status={d.status} attempts={d.attempts} />
                  <span className="text-xs text-slate-600">
                    {t("attemptCount", { count: d.attempts })}
                    {d.deliveredAt ? t("deliveredAt", { time: time(d.deliveredAt) }) : null}
                    {d.nextAttemptAt && d.attempts > 0 ? t("nextAttempt", { time: time(d.nextAttemptAt) }) : null}
                  </span>
                </div>
                {d.status !== "DELIVERED" ? <ErrorText text={d.lastError} className="mt-1 break-words text-sm text-red-800" /> : null}
                <div className="mt-2">
                  <Attempts delivery={d} />
                </div>
                {e.canResend && e.deliveries.length > 1 ? (
                  <div className="mt-2">
                    <ResendButton eventId={e.id} endpointId={d.endpointId} label={t("resendTo", { name: d.endpointName })} />
                  </div>
                ) : null}
              </article>
            ))}
          </section>
        </div>
      ) : null}
    </QueryState>
  );
}
