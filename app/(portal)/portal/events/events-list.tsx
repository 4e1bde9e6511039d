"use client";
// The events list: a filter bar, the events newest first a page at a time
// with one badge per endpoint (delivered, retrying, failed), and for
// operators "Resend failed…" over a time range, a dry run first.
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { useDebounced } from "@/components/hooks/use-debounced";
import { eventQueries, type EventFilter, type EventItem } from "@/components/portal/event-queries";
import { DeliveryBadge } from "@/components/portal/events/delivery-badge";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { LoadMore, QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { inputClass } from "@/components/ui/card";
import { Field, SearchField, SelectField } from "@/components/ui/field";
import { TableHead } from "@/components/ui/table-head";
import { MERCHANT_EVENT_TYPES } from "@/lib/events/event-types";
import { ResendFailed } from "./resend-failed";

type FormState = { type: string; status: string; endpointId: string; subjectId: string; from: string; to: string; includeTest: boolean };

/** datetime-local is the viewer's local time; the API wants an instant. */
export function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function toFilter(f: FormState): EventFilter {
  return {
    type: f.type || undefined,
    status: f.status || undefined,
    endpointId: f.endpointId || undefined,
    subjectId: f.subjectId.trim() || undefined,
    from: toInstant(f.from),
    to: toInstant(f.to),
    test: f.includeTest ? "1" : undefined,
  };
}

function SubjectLink({ event }: { event: EventItem }) {
  const t = useTranslations("events.list");
  const isInstance = event.type.startsWith("instance.") || event.type === "order.notified";
  return (
    <span className="text-xs">
      {isInstance ? t("instance") : t("tenant")}{" "}
      <Link
        href={`/portal/events?subjectId=${encodeURIComponent(event.subjectId)}`}
        className="font-mono underline"
        title={t("eventsAbout", { id: event.subjectId })}
      >
        {event.subjectId}
      </Link>
    </span>
  );
}

export function EventsList({ initialSubjectId, isStaff, canResend }: { initialSubjectId: string; isStaff: boolean; canResend: boolean }) {
  const [form, setForm] = useState<FormState>({ type: "", status: "", endpointId: "", subjectId: initialSubjectId, from: "", to: "", includeTest: false });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  const subjectId = useDebounced(form.subjectId, 300);
  const filter = toFilter({ ...form, subjectId });
  const query = useInfiniteQuery(eventQueries.list(filter));
  const endpoints = useQuery({ ...eventQueries.endpoints(), enabled: isStaff });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const t = useTranslations("events.list");
  const { time } = useTimeFormat();
  return (
    <section aria-labelledby="events-heading" className="space-y-4">
      <h2 id="events-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <form
        role="search"
        aria-label={t("filterLabel")}
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <SearchField
          id="ev-subject"
          label={t("subject")}
          value={form.subjectId}
          onChange={(v) => set("subjectId", v)}
          placeholder={t("subjectPlaceholder")}
          maxLength={200}
        />
        <SelectField
          id="ev-type"
          label={t("type")}
          value={form.type}
          onChange={(v) => set("type", v)}
          options={MERCHANT_EVENT_TYPES.map((t) => ({ value: t, label: t }))}
        />
        <SelectField
          id="ev-status"
          label={t("delivery")}
          value={form.status}
          onChange={(v) => set("status", v)}
          options={[
            { value: "pending", label: t("status.pending") },
            { value: "delivered", label: t("status.delivered") },
            { value: "failed", label: t("status.failed") },
          ]}
        />
        {isStaff ? (
          <SelectField
            id="ev-endpoint"
            label={t("endpoint")}
            value={form.endpointId}
            onChange={(v) => set("endpointId", v)}
            options={(endpoints.data?.items ?? []).map((e) => ({ value: e.id, label: e.name }))}
          />
        ) : null}
        <Field id="ev-from" label={t("from")}>
          <input id="ev-from" type="datetime-local" value={form.from} onChange={(e) => set("from", e.target.value)} className={inputClass} />
        </Field>
        <Field id="ev-to" label={t("to")}>
          <input id="ev-to" type="datetime-local" value={form.to} onChange={(e) => set("to", e.target.value)} className={inputClass} />
        </Field>
        <label className="flex items-end gap-2 pb-2 text-sm">
          <input type="checkbox" checked={form.includeTest} onChange={(e) => set("includeTest", e.target.checked)} /> {t("includeTest")}
        </label>
      </form>
      {canResend ? <ResendFailed from={filter.from} to={filter.to} endpointId={filter.endpointId} type={filter.type} /> : null}
      <QueryState query={query} isEmpty={rows.length === 0} empty={t("empty")}>
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <TableHead columns={[t("columns.time"), t("columns.type"), t("columns.about"), t("columns.deliveries")]} />
            <tbody>
              {rows.map((e) => (
                <tr key={e.id} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2">
                    <Link href={`/portal/events/${e.id}`} className="font-medium text-slate-900 underline underline-offset-2">
                      <time dateTime={e.occurredAt}>{time(e.occurredAt)}</time>
                    </Link>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">
                    {e.type}
                    {e.isTest ? (
                      <Badge tone="warn" className="ml-2">
                        {t("test")}
                      </Badge>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">
                    <SubjectLink event={e} />
                  </td>
                  <td className="space-y-0.5 px-3 py-2 text-xs">
                    {e.deliveries.length === 0 ? <span className="text-slate-600">{t("noEndpoint")}</span> : null}
                    {e.deliveries.map((d) => (
                      <div key={d.endpointId}>
                        <DeliveryBadge status={d.status} attempts={d.attempts} /> {d.endpointName}
                        {d.lastStatus !== null && d.status !== "DELIVERED" ? (
                          <span className="text-slate-600"> {t("lastHttp", { status: d.lastStatus })}</span>
                        ) : null}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore query={query} className="" />
      </QueryState>
    </section>
  );
}
