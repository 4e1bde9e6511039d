"use client";
// Instances the viewer may see: a filter bar (kept in the address, so a
// filtered list can be shared or reloaded), a table loaded a page at a time
// by keyset cursor, and a CSV export of exactly what is filtered.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge, stateTone } from "@/components/ui/badge";
import { inputClass, secondaryButtonClass } from "@/components/ui/card";
import { Field, SearchField, SelectField } from "@/components/ui/field";
import { useDebounced } from "@/components/hooks/use-debounced";
import { instanceExportUrl, instanceFilterParams, instanceQueries, type InstanceFilter } from "@/components/portal/instance-queries";
import { withParams } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { formatDateTime, provisionTone } from "@/components/portal/instances/format";
import { TableHead } from "@/components/ui/table-head";

const STATE_OPTIONS = ["PROVISIONING", "ACTIVE", "FROZEN", "RELEASED"].map((s) => ({ value: s, label: s.charAt(0) + s.slice(1).toLowerCase() }));
const TRIAL_OPTIONS = [
  { value: "true", label: "Trials only" },
  { value: "false", label: "Paid only" },
];

export function InstanceList({ initialFilter }: { initialFilter: InstanceFilter }) {
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
  // The previous rows stay on screen while a changed filter loads.
  const query = useInfiniteQuery({ ...instanceQueries.list(filter), placeholderData: keepPreviousData });
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];

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
        Instance list
      </h2>
      <div role="search" aria-label="Filter instances" className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 sm:grid-cols-2 lg:grid-cols-4">
        <SearchField
          id="instance-search"
          label="Search instances"
          value={q}
          onChange={setQ}
          placeholder="Order, instance or customer"
          maxLength={100}
          className="sm:col-span-2"
        />
        <SelectField id="instance-state" label="State" value={state} onChange={setState} options={STATE_OPTIONS} />
        <Field id="instance-sort" label="Sort">
          <select id="instance-sort" value={sort} onChange={(e) => setSort(e.target.value)} className={inputClass}>
            <option value="createdAt-desc">Newest first</option>
            <option value="expireAt-asc">Expiring soonest</option>
            <option value="expireAt-desc">Expiring latest</option>
          </select>
        </Field>
        <Field id="instance-product" label="Product ID">
          <input id="instance-product" value={productId} onChange={(e) => setProductId(e.target.value)} className={inputClass} maxLength={100} />
        </Field>
        <Field id="instance-tenant" label="Tenant ID">
          <input id="instance-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} className={inputClass} maxLength={100} />
        </Field>
        <SelectField id="instance-trial" label="Trial" value={trial} onChange={setTrial} options={TRIAL_OPTIONS} />
        <div className="flex items-end pb-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={test} onChange={(e) => setTest(e.target.checked)} /> Include test data
          </label>
        </div>
        <Field id="instance-from" label="Created from">
          <input id="instance-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} className={inputClass} />
        </Field>
        <Field id="instance-to" label="Created to">
          <input id="instance-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} className={inputClass} />
        </Field>
        <div className="flex items-end gap-3 sm:col-span-2">
          <button type="button" className={secondaryButtonClass} onClick={reset}>
            Clear filters
          </button>
          <a className={secondaryButtonClass} href={instanceExportUrl(filter)} download>
            Export CSV
          </a>
        </div>
      </div>
      <p className="mt-2 text-xs text-slate-600">
        Dates are whole days in UTC. Search matches an exact order, instance or customer ID, or part of a customer name.
      </p>

      <QueryState query={query} isEmpty={rows.length === 0} empty="No instances match.">
        <div className="mt-4 overflow-x-auto rounded-lg bg-white shadow-sm">
          <table className="w-full border-collapse text-sm">
            <TableHead columns={["Instance", "Customer", "Product", "Order", "State", "Provisioning", "Expires", "Created"]} />
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
                      {i.isTrial ? <Badge tone="info">trial</Badge> : null}
                      {i.isTest ? <Badge tone="warn">test</Badge> : null}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <div>{i.customerName || "—"}</div>
                    {i.customerId ? <div className="font-mono text-xs text-slate-600">{i.customerId}</div> : null}
                  </td>
                  <td className="px-3 py-2">
                    <div className="font-mono text-xs">{i.productId ?? "—"}</div>
                    {i.skuCode ? <div className="font-mono text-xs text-slate-600">{i.skuCode}</div> : null}
                  </td>
                  <td className="px-3 py-2 font-mono text-xs">{i.orderId}</td>
                  <td className="px-3 py-2">
                    <Badge tone={stateTone(i.state)}>{i.state.toLowerCase()}</Badge>
                  </td>
                  <td className="px-3 py-2">
                    <Badge tone={provisionTone(i.provisionStatus)}>{i.provisionStatus.toLowerCase()}</Badge>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">{i.expireAt ? formatDateTime(i.expireAt) : "—"}</td>
                  <td className="px-3 py-2 whitespace-nowrap">{formatDateTime(i.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <LoadMore query={query} />
        {query.isFetchNextPageError ? (
          <p role="alert" className="mt-2 text-sm text-red-800">
            {query.error?.message ?? "Could not load more."}
          </p>
        ) : null}
      </QueryState>
    </section>
  );
}
