"use client";
// The tenant's heading and facts: names, ids, identity provider and synced applications (never a secret).
import { useQuery } from "@tanstack/react-query";
import { portalQueries } from "@/components/portal/queries";
import { QueryState } from "@/components/portal/query-state";

export function TenantSummary({ tenantRowId }: { tenantRowId: string }) {
  const query = useQuery(portalQueries.tenant(tenantRowId));
  const tenant = query.data;
  if (!tenant) return <QueryState query={query} isEmpty empty="No such tenant." />;
  return (
    <div>
      <h1 className="text-2xl font-semibold">{tenant.name || tenant.tenantId}</h1>
      <dl className="mt-2 grid gap-x-6 gap-y-1 text-sm text-slate-700 sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium">Tenant code</dt>
        <dd>{tenant.tenantCode || "—"}</dd>
        <dt className="font-medium">Tenant ID</dt>
        <dd className="font-mono text-xs">{tenant.tenantId}</dd>
        <dt className="font-medium">Instance</dt>
        <dd className="font-mono text-xs">{tenant.instanceKey || "— (credential debugging)"}</dd>
        <dt className="font-medium">Identity provider</dt>
        <dd className="break-all">{tenant.domainName || "—"}</dd>
        <dt className="font-medium">Applications</dt>
        <dd>
          {tenant.apps.length === 0
            ? "none synced"
            : tenant.apps
                .map((a) => `${a.appId} (client ${a.clientId}, secret ${a.hasClientSecret ? "stored" : "missing"}${a.deletedAt ? ", deleted" : ""})`)
                .join("; ")}
        </dd>
      </dl>
      {tenant.deletedAt ? (
        <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">KooGallery deleted this tenant on {tenant.deletedAt.slice(0, 10)}.</p>
      ) : null}
    </div>
  );
}
