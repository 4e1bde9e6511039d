"use client";
// Instances the viewer may see: a filter bar (kept in the address, so a
// filtered list can be shared or reloaded), a table loaded a page at a time
// by keyset cursor, and a CSV export of exactly what is filtered.
import { keepPreviousData, useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useState } from "react";
import { Badge, stateTone } from "@/components/ui/badge";
import { inputClass, secondaryButtonClass } from "@/components/ui/card";
import { instanceExportUrl, instanceFilterParams, instanceQueries, type InstanceFilter } from "@/components/portal/instance-queries";
import { withParams } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { formatDateTime, provisionTone } from "@/components/portal/instances/format";
import { TableHead } from "@/components/ui/table-head";

const STATES = ["PROVISIONING", "ACTIVE", "FROZEN", "RELEASED"] as const;

/** Text typed into a box is applied after a short pause, not on every key. */
function useDebounced<T>(value: T, ms = 300): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

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
        <div className="sm:col-span-2">
          <label htmlFor="instance-search" className="block text-sm font-medium">
            Search instances
          </label>
          <input
            id="instance-search"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            placeholder="Order, instance or customer"
            className={inputClass}
            maxLength={100}
          />
        </div>
        <div>
          <label htmlFor="instance-state" className="block text-sm font-medium">
            State
          </label>
          <select id="instance-state" value={state} onChange={(e) => setState(e.target.value)} className={inputClass}>
            <option value="">Any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s.charAt(0) + s.slice(1).toLowerCase()}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="instance-sort" className="block text-sm font-medium">
            Sort
          </label>
          <select id="instance-sort" value={sort} onChange={(e) => setSort(e.target.value)} className={inputClass}>
            <option value="createdAt-desc">Newest first</option>
            <option value="expireAt-asc">Expiring soonest</option>
            <option value="expireAt-desc">Expiring latest</option>
          </select>
        </div>
        <div>
          <label htmlFor="instance-product" className="block text-sm font-medium">
            Product ID
          </label>
          <input id="instance-product" value={productId} onChange={(e) => setProductId(e.target.value)} className={inputClass} maxLength={100} />
        </div>
        <div>
          <label htmlFor="instance-tenant" className="block text-sm font-medium">
            Tenant ID
          </label>
          <input id="instance-tenant" value={tenantId} onChange={(e) => setTenantId(e.target.value)} className={inputClass} maxLength={100} />
        </div>
        <div>
          <label htmlFor="instance-trial" className="block text-sm font-medium">
            Trial
          </label>
          <select id="instance-trial" value={trial} onChange={(e) => setTrial(e.target.value)} className={inputClass}>
            <option value="">Any</option>
            <option value="true">Trials only</option>
            <option value="false">Paid only</option>
          </select>
        </div>
        <div className="flex items-end pb-2">
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" checked={test} onChange={(e) => setTest(e.target.checked)} /> Include test data
          </label>
        </div>
        <div>
          <label htmlFor="instance-from" className="block text-sm font-medium">
            Created from
          </label>
          <input id="instance-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} className={inputClass} />
        </div>
        <div>
          <label htmlFor="instance-to" className="block text-sm font-medium">
            Created to
          </label>
          <input id="instance-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} className={inputClass} />
        </div>
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
