"use client";
// The dashboard, refreshed every 30 s through react-query; the page seeds the
// server's first answer. A failed refresh keeps the last figures on screen and
// says so.
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import Link from "next/link";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { AwaitingAction } from "./awaiting-action";
import { CallbacksChart } from "./callbacks-chart";
import { FailingOrders } from "./failing-orders";
import { InstanceStateCards } from "./instance-state-cards";
import { QueryState } from "@/components/portal/query-state";

export function DashboardView() {
  const t = useTranslations("dashboard.view");
  const { time } = useTimeFormat();
  const query = useQuery(dashboardQueries.dashboard());
  const d = query.data;
  if (!d) return <QueryState query={query} isEmpty empty={t("empty")} />;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm text-slate-700">
        <p>
          {d.scope === "tenant" ? (
            <>
              {t("scopeTenant")}{" "}
              <Link className="underline underline-offset-2" href={d.tenantRowId ? `/portal/tenants/${d.tenantRowId}` : "/portal/tenants"}>
                {d.tenantRowId ? t("yourTenant") : t("yourTenants")}
              </Link>
            </>
          ) : (
            t("scopeAll")
          )}
        </p>
        <p>
          {t.rich("updated", { time: time(d.generatedAt), stamp: (chunks) => <time dateTime={d.generatedAt}>{chunks}</time> })}
          {query.isFetching ? <> {t("refreshing")}</> : null}
        </p>
      </div>
      {query.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("refreshFailed", { error: query.error.message, time: time(d.generatedAt) })}
        </p>
      ) : null}
      <InstanceStateCards counts={d.instancesByState} />
      <section aria-labelledby="callbacks-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="callbacks-heading" className="mb-2 text-lg font-semibold">
          {t("callbacksHeading")}
        </h2>
        <CallbacksChart hours={d.callbacksByHour} />
      </section>
      <FailingOrders orders={d.failingOrders} />
      <AwaitingAction awaiting={d.awaiting} />
    </div>
  );
}
