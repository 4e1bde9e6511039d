"use client";
// The audit list: a filter bar (kind, action, outcome, who, subject, days in the
// viewer's zone), the entries newest first a page at a time, and the same
// filter as CSV. Ids and codes stay as they are; labels come from the catalog.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTimeZone, useTranslations } from "next-intl";
import { useState } from "react";
import { useDebounced } from "@/components/hooks/use-debounced";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { auditExportUrl, auditQueries, type AuditFilter, type AuditItem } from "@/components/portal/audit-queries";
import { LoadMore, QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { inputClass, secondaryButtonClass } from "@/components/ui/card";
import { Field, SearchField, SelectField } from "@/components/ui/field";
import { TableHead } from "@/components/ui/table-head";
import { AUDIT_GROUP_NAMES, AUDIT_GROUPS, isAuditAction, type AuditGroup } from "@/lib/audit/audit-actions";
import { dayRangeIn } from "@/lib/instances/day-range";

type FormState = { group: string; action: string; outcome: string; actor: string; subject: string; from: string; to: string };

const EMPTY: FormState = { group: "", action: "", outcome: "", actor: "", subject: "", from: "", to: "" };

/** Where an entry's subject is shown in the portal, when it has a page. */
function subjectHref(e: AuditItem): string | null {
  if (!e.subjectId) return null;
  if (e.subjectType === "instance") return `/portal/instances/${encodeURIComponent(e.subjectId)}`;
  if (e.subjectType === "callback") return `/portal/callbacks/${encodeURIComponent(e.subjectId)}`;
  if (e.subjectType === "event") return `/portal/events/${encodeURIComponent(e.subjectId)}`;
  return null;
}

function DetailText({ detail }: { detail: unknown }) {
  if (!detail || typeof detail !== "object") return null;
  const parts = Object.entries(detail as Record<string, unknown>)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  if (parts.length === 0) return null;
  return <div className="break-all font-mono text-xs text-slate-600">{parts.join(" ")}</div>;
}

export function AuditList({ isStaff }: { isStaff: boolean }) {
  const t = useTranslations("audit");
  const timeZone = useTimeZone() ?? "UTC";
  const { time, relative } = useTimeFormat();
  const [form, setForm] = useState<FormState>(EMPTY);
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) =>
    // A new kind clears an action of another kind.
    setForm((f) => ({ ...f, [key]: value, ...(key === "group" ? { action: "" } : {}) }));
  const actor = useDebounced(form.actor, 300);
  const subject = useDebounced(form.subject, 300);
  const filter: AuditFilter = {
    group: form.group || undefined,
    action: form.action || undefined,
    outcome: form.outcome || undefined,
    actor: actor.trim() || undefined,
    subject: subject.trim() || undefined,
    ...dayRangeIn(form.from || undefined, form.to || undefined, timeZone),
  };
  const query = useInfiniteQuery({ ...auditQueries.list(filter), placeholderData: keepPreviousData });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const isFiltered = Object.values(form).some(Boolean);
  const actions = form.group ? AUDIT_GROUPS[form.group as AuditGroup] : AUDIT_GROUP_NAMES.flatMap((g) => AUDIT_GROUPS[g]);
  const actorText = (actor: string | null) => (actor === "staff" ? t("actors.staff") : actor === "system" || actor === null ? t("actors.system") : actor);
  return (
    <section aria-label={t("heading")} className="space-y-4">
      <form
        role="search"
        aria-label={t("filterLabel")}
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField
          id="audit-group"
          label={t("group")}
          value={form.group}
          onChange={(v) => set("group", v)}
          options={AUDIT_GROUP_NAMES.map((g) => ({ value: g, label: t(`groups.${g}`) }))}
        />
        <SelectField
          id="audit-action"
          label={t("action")}
          value={form.action}
          onChange={(v) => set("action", v)}
          options={actions.map((a) => ({ value: a, label: t(`actions.${a}`) }))}
        />
        <SelectField
          id="audit-outcome"
          label={t("outcome")}
          value={form.outcome}
          onChange={(v) => set("outcome", v)}
          options={[
            { value: "ok", label: t("outcomes.ok") },
            { value: "refused", label: t("outcomes.refused") },
          ]}
        />
        <SearchField
          id="audit-actor"
          label={t("actor")}
          value={form.actor}
          onChange={(v) => set("actor", v)}
          placeholder={t("actorPlaceholder")}
          maxLength={320}
        />
        <SearchField
          id="audit-subject"
          label={t("subject")}
          value={form.subject}
          onChange={(v) => set("subject", v)}
          placeholder={t("subjectPlaceholder")}
          maxLength={320}
        />
        <Field id="audit-from" label={t("from")}>
          <input id="audit-from" type="date" value={form.from} onChange={(e) => set("from", e.target.value)} className={inputClass} />
        </Field>
        <Field id="audit-to" label={t("to")}>
          <input id="audit-to" type="date" value={form.to} onChange={(e) => set("to", e.target.value)} className={inputClass} />
        </Field>
        <div className="flex items-end">
          <a className={secondaryButtonClass} href={auditExportUrl(filter)} download>
            {t("export")}
          </a>
        </div>
      </form>
      <QueryState query={query} isEmpty={rows.length === 0} empty={isFiltered || !isStaff ? t("empty") : t("emptyFirst")}>
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <TableHead columns={[t("columns.time"), t("columns.who"), t("columns.action"), t("columns.subject"), t("columns.details")]} />
            <tbody>
              {rows.map((e) => {
                const href = subjectHref(e);
                return (
                  <tr key={e.id} className="border-t border-slate-100 align-top">
                    <td className="whitespace-nowrap px-3 py-2">
                      <time dateTime={e.at} title={time(e.at)}>
                        {relative(e.at)}
                      </time>
                      <div className="text-xs text-slate-600">{time(e.at)}</div>
                    </td>
                    <td className="px-3 py-2">
                      <span className="break-all">{actorText(e.actor)}</span>
                      {e.ip ? <div className="text-xs text-slate-600">{t("fromIp", { ip: e.ip })}</div> : null}
                    </td>
                    <td className="px-3 py-2">
                      {isAuditAction(e.action) ? t(`actions.${e.action}`) : e.action}
                      {e.outcome === "refused" ? (
                        <Badge tone="bad" className="ml-2">
                          {t("outcomes.refused")}
                        </Badge>
                      ) : null}
                    </td>
                    <td className="px-3 py-2 text-xs">
                      {e.subjectType && e.subjectId ? (
                        <>
                          {t(`subjects.${e.subjectType as "instance"}`)}{" "}
                          {href ? (
                            <Link href={href} className="break-all font-mono underline">
                              {e.subjectId}
                            </Link>
                          ) : (
                            <span className="break-all font-mono">{e.subjectId}</span>
                          )}
                        </>
                      ) : null}
                      {e.tenantId && e.subjectType !== "instance" ? <div className="font-mono text-slate-600">{e.tenantId}</div> : null}
                    </td>
                    <td className="max-w-md px-3 py-2">
                      {e.reason ? <div className="text-xs">{t("reason", { reason: e.reason })}</div> : null}
                      <DetailText detail={e.detail} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
        <LoadMore query={query} className="" />
      </QueryState>
    </section>
  );
}
