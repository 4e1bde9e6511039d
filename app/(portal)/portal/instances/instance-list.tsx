"use client";
// Instances the viewer may see: a filter bar (kept in the address, so a
// filtered list can be shared or reloaded), a table loaded a page at a time
// by keyset cursor, and a CSV export of exactly what is filtered. The created
// dates are whole days in the viewer's display zone: the address keeps the
// dates, the API gets the instants they begin and end at.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTimeZone, useTranslations } from "next-intl";
import { useEffect, useState } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { Badge, stateTone } from "@/components/ui/badge";
import { inputClass, secondaryButtonClass } from "@/components/ui/card";
import { Field, SearchField, SelectField } from "@/components/ui/field";
import { useDebounced } from "@/components/hooks/use-debounced";
import { instanceExportUrl, instanceFilterParams, instanceQueries, type InstanceFilter } from "@/components/portal/instance-queries";
import { withParams } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { INSTANCE_STATES, provisionTone, useInstanceLabels } from "@/components/portal/instances/format";
import { TableHead } from "@/components/ui/table-head";
import { dayRangeIn } from "@/lib/instances/day-range";

export function InstanceList({ initialFilter, isStaff }: { initialFilter: InstanceFilter; isStaff: boolean }) {
  const t = useTranslations("instances.list");
  const labels = useInstanceLabels();
  const { time, relative } = useTimeFormat();
  // Always set by lib/i18n/request.ts (the viewer's choice or PORTAL_TIME_ZONE).
  const timeZone = useTimeZone() ?? "UTC";
  const [q, setQ] = useState(initialFilter.q ?? "");
  const [productId, setProductId] = useState(initialFilter.productId ?? "");
  const [tenantId, setTenantId] = useState(initialFilter.tenantId ?? "");
  const [state, setState] = useState(initialFilter.state ?? "");
  const [trial, setTrial] = useState(initialFilter.trial ?? "");
  const [test, setTest] = useState(Boolean(initialFilter.test));
  const [from, setFrom] = useState(initialFilter.from ?? "");
  const [to, setTo] = useState(initialFilter.to ?? "");
  const [sort, setSort] = useState(initialFilter.sort ?? "createdAt-desc");
  const typed = useDebounced({ q, productId, tenantId });
  const filter: InstanceFilter = { ...typed, state, trial, test, from, to, sort };
  // What the API and the export get: the same filter, its days as instants in the viewer's zone.
  const apiFilter: InstanceFilter = { ...filter, ...dayRangeIn(from, to, timeZone) };
  // The previous rows stay on screen while a changed filter loads.
  const query = useInfiniteQuery({ ...instanceQueries.list(apiFilter), placeholderData: keepPreviousData });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  // Nothing at all (no filter narrowed it): staff are told where instances come from.
  const isFirstRun = isStaff && !(q || productId || tenantId || state || trial || test || from || to);

  const address = withParams("/portal/instances", instanceFilterParams(filter));
  useEffect(() => {
    if (`${window.location.pathname}${window.location.search}` !== address) window.history.replaceState(null, "", address);
  }, [address]);

  const reset = () => {
    for (const set of [setQ, setProductId, setTenantId, setState, setTrial, setFrom, setTo]) set("");
    setTest(false);
    setSort("createdAt-desc");
  };

  return (
    <section aria-labelledby="instances-heading">
      <h2 id="instances-heading" className="sr-only">
        {t("heading")}
      </h2>
      <div role="search" aria-label={t("filterLabel")} className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField
          id="instance-search"
          label={t("search")}
          value={q}
          onChange={setQ}
          placeholder={t("searchPlaceholder")}
          maxLength={100}
          className="sm:col-span-2"
        />
        <SelectField
          id="instance-state"
          label={t("state")}
          value={state}
          onChange={setState}
          options={INSTANCE_STATES.map((s) => ({ value: s, label: labels.state(s) }))}
        />
        <Field id="instance-sort" label={t("sort")}>
          <select id="instance-sort" value={sort} onChange={(e) => setSort(e.target.value)} className={inputClass}>
            <option value="createdAt-desc">{t("sortNewest")}</option>
            <option value="expireAt-asc">{t("sortExpiringSoonest")}</option>
            <option value="expireAt-desc">{t("sortExpiringLatest")}</option>
          </select>
        </Field>
        <Field id="instance-product" label={t("productId")}>
          <input id="instance-product" value={productId} onChange={(e) => setProductId(e.target.value)} className={inputClass} maxLength={100} />
        </Field>
        <Field id="instance-tenant" label={t("tenantId")}>
          <input id="instance-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} className={inputClass} maxLength={100} />
        </Field>
        <SelectField
          id="instance-trial"
          label={t("trial")}
          value={trial}
          onChange={setTrial}
          options={[
            { value: "true", label: t("trialsOnly") },
            { value: "false", label: t("paidOnly") },
          ]}
        />
        <div className="flex items-end pb-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={test} onChange={(e) => setTest(e.target.checked)} /> {t("includeTest")}
          </label>
        </div>
        <Field id="instance-from" label={t("from")}>
          <input id="instance-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} className={inputClass} />
        </Field>
        <Field id="instance-to" label={t("to")}>
          <input id="instance-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} className={inputClass} />
        </Field>
        <div className="flex items-end gap-3 sm:col-span-2">
          <button type="button" className={secondaryButtonClass} onClick={reset}>
            {t("clear")}
          </button>
          <a className={secondaryButtonClass} href={instanceExportUrl(apiFilter)} download>
            {t("export")}
          </a>
        </div>
      </div>
      <p className="mt-2 text-xs text-slate-600">{t("help", { zone: timeZone })}</p>

      <QueryState query={query} isEmpty={rows.length === 0} empty={isFirstRun ? t("emptyFirst") : t("empty")}>
        <div className="mt-4 overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <caption className="sr-only">{t("caption")}</caption>
            <TableHead
              columns={[
                t("columns.instance"),
                t("columns.customer"),
                t("columns.product"),
                t("columns.order"),
                t("columns.state"),
                t("columns.provisioning"),
                t("columns.expires"),
                t("columns.created"),
              ]}
            />
            <tbody>
              {rows.map((i) => (
                <tr key={i.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <Link
                      className="font-mono text-xs font-medium text-slate-900 underline underline-offset-2"
                      href={`/portal/instances/${encodeURIComponent(i.id)}`}
                    >
                      {i.id}
                    </Link>
                    <div className="mt-1 flex gap-1">
                      {i.isTrial ? <Badge tone="info">{t("trialBadge")}</Badge> : null}
                      {i.isTest ? <Badge tone="warn">{t("testBadge")}</Badge> : null}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <div>{i.customerName || t("none")}</div>
                    {i.customerId ? <div className="font-mono text-xs text-slate-600">{i.customerId}</div> : null}
                  </td>
                  <td className="px-3 py-2">
                    <div className="font-mono text-xs">{i.productId ?? t("none")}</div>
                    {i.skuCode ? <div className="font-mono text-xs text-slate-600">{i.skuCode}</div> : null}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{i.orderId}</td>
                  <td className="px-3 py-2">
                    <Badge tone={stateTone(i.state)}>{labels.state(i.state)}</Badge>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={provisionTone(i.provisionStatus)}>{labels.provision(i.provisionStatus)}</Badge>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{i.expireAt ? <time dateTime={i.expireAt}>{time(i.expireAt)}</time> : t("none")}</td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <time dateTime={i.createdAt} title={time(i.createdAt)}>
                      {relative(i.createdAt)}
                    </time>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore query={query} />
        {query.isFetchNextPageError ? (
          <p role="alert" className="mt-2 text-sm text-red-800">
            {query.error?.message ?? t("couldNotLoadMore")}
          </p>
        ) : null}
      </QueryState>
    </section>
  );
}
