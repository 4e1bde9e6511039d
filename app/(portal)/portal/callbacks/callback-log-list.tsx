"use client";
// The callback log: a filter bar, the calls newest first a page at a time, and
// for operators "Retry matching…" over the same filter.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { Badge } from "@/components/ui/badge";
import { inputClass } from "@/components/ui/card";
import { Field, SearchField, SelectField } from "@/components/ui/field";
import { useDebounced } from "@/components/hooks/use-debounced";
import { callbackQueries, type CallbackFilter } from "@/components/portal/callback-queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { BulkRetry } from "./bulk-retry";
import {
  ResultCodeBadge,
  useResultMeaning,
  useVerificationLabel,
  VerificationBadge,
  VERIFICATION_OUTCOMES,
} from "@/components/portal/callbacks/callback-badges";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { TableHead } from "@/components/ui/table-head";
import { ENDPOINT_CATALOG } from "@/lib/callbacks/endpoint-catalog";

// The catalog's endpoints and their activities (a Kit sync is chosen by its endpoint, its only activity).
const ENDPOINTS = ENDPOINT_CATALOG.map((e) => ({ value: e.name, label: e.name }));
const ACTIVITIES = [...new Set(ENDPOINT_CATALOG.filter((e) => e.protocol !== "kit").flatMap((e) => [...e.activities.V2, ...e.activities.V1]))].map((a) => ({
  value: a,
  label: a,
}));

type FormState = {
  q: string;
  endpoint: string;
  activity: string;
  generation: string;
  resultCode: string;
  verification: string;
  from: string;
  to: string;
  failedOnly: boolean;
  retriesOnly: boolean;
  includeTest: boolean;
};

/** datetime-local is the viewer's local time; the API wants an instant. */
function toInstant(local: string): string | undefined {
  if (!local) return undefined;
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function toFilter(f: FormState): CallbackFilter {
  return {
    q: f.q.trim() || undefined,
    endpoint: f.endpoint || undefined,
    activity: f.activity || undefined,
    generation: f.generation || undefined,
    resultCode: f.resultCode || undefined,
    verification: f.verification || undefined,
    from: toInstant(f.from),
    to: toInstant(f.to),
    failedOnly: f.failedOnly ? "1" : undefined,
    retriesOnly: f.retriesOnly ? "1" : undefined,
    includeTest: f.includeTest ? "1" : undefined,
  };
}

function Filters({ form, set }: { form: FormState; set: <K extends keyof FormState>(key: K, value: FormState[K]) => void }) {
  const t = useTranslations("callbacks.list");
  const resultMeaning = useResultMeaning();
  const verificationLabel = useVerificationLabel();
  return (
    <form
      role="search"
      aria-label={t("filterLabel")}
      className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4"
      onSubmit={(e) => e.preventDefault()}
    >
      <SearchField id="cb-q" label={t("search")} value={form.q} onChange={(v) => set("q", v)} placeholder={t("searchPlaceholder")} className="sm:col-span-2" />
      <SelectField id="cb-endpoint" label={t("endpoint")} value={form.endpoint} onChange={(v) => set("endpoint", v)} options={ENDPOINTS} />
      <SelectField id="cb-activity" label={t("activity")} value={form.activity} onChange={(v) => set("activity", v)} options={ACTIVITIES} />
      <SelectField
        id="cb-generation"
        label={t("generation")}
        value={form.generation}
        onChange={(v) => set("generation", v)}
        options={[
          { value: "V1", label: "V1" },
          { value: "V2", label: "V2" },
        ]}
      />
      <SelectField
        id="cb-result"
        label={t("resultCode")}
        value={form.resultCode}
        onChange={(v) => set("resultCode", v)}
        options={Object.values(ResultCode).map((code) => ({ value: code, label: t("resultCodeOption", { code, meaning: resultMeaning(code) }) }))}
      />
      <SelectField
        id="cb-verification"
        label={t("verification")}
        value={form.verification}
        onChange={(v) => set("verification", v)}
        options={VERIFICATION_OUTCOMES.map((o) => ({ value: o, label: verificationLabel(o) }))}
      />
      <Field id="cb-from" label={t("from")}>
        <input id="cb-from" type="datetime-local" value={form.from} onChange={(e) => set("from", e.target.value)} className={inputClass} />
      </Field>
      <Field id="cb-to" label={t("to")}>
        <input id="cb-to" type="datetime-local" value={form.to} onChange={(e) => set("to", e.target.value)} className={inputClass} />
      </Field>
      <fieldset className="flex flex-wrap items-end gap-4 text-sm sm:col-span-2 lg:col-span-3">
        <legend className="sr-only">{t("options")}</legend>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={form.failedOnly} onChange={(e) => set("failedOnly", e.target.checked)} /> {t("failedOnly")}
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={form.retriesOnly} onChange={(e) => set("retriesOnly", e.target.checked)} /> {t("retriesOnly")}
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={form.includeTest} onChange={(e) => set("includeTest", e.target.checked)} /> {t("includeTest")}
        </label>
      </fieldset>
    </form>
  );
}

function IdLink({ kind, id }: { kind: "order" | "instance" | "tenant"; id: string }) {
  const t = useTranslations("callbacks.list");
  const title = kind === "order" ? t("callbacksOfOrder", { id }) : kind === "instance" ? t("callbacksOfInstance", { id }) : t("callbacksOfTenant", { id });
  return (
    <div>
      {t(kind)}{" "}
      <Link href={`/portal/callbacks?q=${encodeURIComponent(id)}`} className="font-mono underline" title={title}>
        {id}
      </Link>
    </div>
  );
}

export function CallbackLogList({ initialQuery, canOperate }: { initialQuery: string; canOperate: boolean }) {
  const [form, setForm] = useState<FormState>({
    q: initialQuery,
    endpoint: "",
    activity: "",
    generation: "",
    resultCode: "",
    verification: "",
    from: "",
    to: "",
    failedOnly: false,
    retriesOnly: false,
    includeTest: false,
  });
  const set = <K extends keyof FormState>(key: K, value: FormState[K]) => setForm((f) => ({ ...f, [key]: value }));
  // The search box asks once typing pauses, not once per keystroke.
  const q = useDebounced(form.q, 300);
  const filter = toFilter({ ...form, q });
  const query = useInfiniteQuery(callbackQueries.list(filter));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  const t = useTranslations("callbacks.list");
  const { time, relative } = useTimeFormat();
  return (
    <section aria-label={t("label")} className="space-y-4">
      <Filters form={form} set={set} />
      {canOperate ? <BulkRetry filter={filter} /> : null}
      <QueryState query={query} isEmpty={rows.length === 0} empty={t("empty")}>
        <div className="overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <TableHead
              columns={[
                t("columns.time"),
                t("columns.endpoint"),
                t("columns.activity"),
                t("columns.generation"),
                t("columns.result"),
                t("columns.verification"),
                { label: t("columns.latency"), align: "right" },
                t("columns.links"),
              ]}
            />
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} className="border-t border-slate-100 align-top">
                  <td className="whitespace-nowrap px-3 py-2">
                    <Link href={`/portal/callbacks/${r.id}`} className="font-medium text-slate-900 underline underline-offset-2">
                      <time dateTime={r.receivedAt} title={relative(r.receivedAt)}>
                        {time(r.receivedAt)}
                      </time>
                    </Link>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{r.endpoint}</td>
                  <td className="px-3 py-2">
                    {r.activity ?? "—"}
                    {r.retryOfId ? (
                      <Badge tone="info" className="ml-2">
                        {t("retry")}
                      </Badge>
                    ) : null}
                    {r.isTest ? (
                      <Badge tone="warn" className="ml-2">
                        {t("test")}
                      </Badge>
                    ) : null}
                  </td>
                  <td className="px-3 py-2">{r.generation}</td>
                  <td className="px-3 py-2">
                    <ResultCodeBadge code={r.resultCode} />
                  </td>
                  <td className="px-3 py-2">
                    <VerificationBadge outcome={r.verification} />
                  </td>
                  <td className="px-3 py-2 text-right tabular-nums">{t("ms", { ms: r.latencyMs })}</td>
                  <td className="space-y-0.5 px-3 py-2 text-xs">
                    {r.orderId ? <IdLink kind="order" id={r.orderId} /> : null}
                    {r.instanceId ? <IdLink kind="instance" id={r.instanceId} /> : null}
                    {r.tenantId ? <IdLink kind="tenant" id={r.tenantId} /> : null}
                    {r.retryOfId ? (
                      <div>
                        <Link href={`/portal/callbacks/${r.retryOfId}`} className="underline">
                          {t("originalCall")}
                        </Link>
                      </div>
                    ) : null}
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
