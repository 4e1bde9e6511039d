"use client";
// The tenant's heading and facts: names, ids, identity provider and synced applications (never a secret).
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { portalQueries } from "@/components/portal/queries";
import { QueryState } from "@/components/portal/query-state";

export function TenantSummary({ tenantRowId }: { tenantRowId: string }) {
  const t = useTranslations("tenants.summary");
  const format = useFormatter();
  const { date } = useTimeFormat();
  const query = useQuery(portalQueries.tenant(tenantRowId));
  const tenant = query.data;
  if (!tenant) return <QueryState query={query} isEmpty empty={t("notFound")} />;
  return (
    <div>
      <h1 className="text-2xl font-semibold">{tenant.name || tenant.tenantId}</h1>
      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-700 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">{t("tenantCode")}</dt>
        <dd>{tenant.tenantCode || t("none")}</dd>
        <dt className="font-medium">{t("tenantId")}</dt>
        <dd className="font-mono text-xs">{tenant.tenantId}</dd>
        <dt className="font-medium">{t("instance")}</dt>
        <dd className="font-mono text-xs">{tenant.instanceKey || t("noInstance")}</dd>
        <dt className="font-medium">{t("identityProvider")}</dt>
        <dd className="break-all">{tenant.domainName || t("none")}</dd>
        <dt className="font-medium">{t("applications")}</dt>
        <dd>
          {tenant.apps.length === 0
            ? t("noApplications")
            : format.list(
                tenant.apps.map((a) =>
                  t("application", { appId: a.appId, clientId: a.clientId, hasSecret: String(a.hasClientSecret), isDeleted: String(Boolean(a.deletedAt)) }),
                ),
                { type: "unit" },
              )}
        </dd>
      </dl>
      {tenant.deletedAt ? (
        <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t.rich("deletedOn", { date: date(tenant.deletedAt), time: (chunks) => <time dateTime={tenant.deletedAt ?? undefined}>{chunks}</time> })}
        </p>
      ) : null}
    </div>
  );
}
