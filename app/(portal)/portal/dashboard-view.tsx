"use client";
// The dashboard, refreshed every 30 s through react-query; the page seeds the
// server's first answer. A failed refresh keeps the last figures on screen and
// says so.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { AwaitingAction } from "./awaiting-action";
import { CallbacksChart } from "./callbacks-chart";
import { FailingOrders } from "./failing-orders";
import { formatTimeUtc } from "@/components/portal/format";
import { InstanceStateCards } from "./instance-state-cards";
import { QueryState } from "@/components/portal/query-state";

export function DashboardView() {
  const query = useQuery(dashboardQueries.dashboard());
  const d = query.data;
  if (!d) return <QueryState query={query} isEmpty empty="No figures yet." />;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm text-slate-700">
        <p>
          {d.scope === "tenant" ? (
            <>
              Figures for your enterprise&apos;s instances.{" "}
              <Link className="underline underline-offset-2" href={d.tenantRowId ? `/portal/tenants/${d.tenantRowId}` : "/portal/tenants"}>
                {d.tenantRowId ? "Your tenant" : "Your tenants"}
              </Link>
            </>
          ) : (
            "All instances and callbacks."
          )}
        </p>
        <p>
          Updated <time dateTime={d.generatedAt}>{formatTimeUtc(d.generatedAt)}</time>, refreshes every 30 s{query.isFetching ? " (refreshing…)" : ""}
        </p>
      </div>
      {query.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          Could not refresh: {query.error.message}. Showing the figures from {formatTimeUtc(d.generatedAt)}.
        </p>
      ) : null}
      <InstanceStateCards counts={d.instancesByState} />
      <section aria-labelledby="callbacks-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="callbacks-heading" className="mb-2 text-lg font-semibold">
          Callbacks, last 24 hours
        </h2>
        <CallbacksChart hours={d.callbacksByHour} />
      </section>
      <FailingOrders orders={d.failingOrders} />
      <AwaitingAction awaiting={d.awaiting} />
    </div>
  );
}
