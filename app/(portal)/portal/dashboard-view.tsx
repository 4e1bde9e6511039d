"use client";
// The dashboard, refreshed every 30 s through react-query; the server's first
// answer is the initial data. A failed refresh keeps the last figures on screen
// and says so.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { AwaitingAction } from "./awaiting-action";
import { CallbacksChart } from "./callbacks-chart";
import { FailingOrders } from "./failing-orders";
import { formatTimeUtc } from "@/components/portal/format";
import { InstanceStateCards } from "./instance-state-cards";
import type { Dashboard } from "@/lib/portal/dashboard";

export function DashboardView({ initial }: { initial: Dashboard }) {
  const query = useQuery({ ...dashboardQueries.dashboard(), initialData: initial, initialDataUpdatedAt: Date.parse(initial.generatedAt) });
  const d = query.data;
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
