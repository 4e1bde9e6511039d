// /portal/tenants/{id}: one tenant (scoped: another enterprise's tenant is a 404).
import { notFound } from "next/navigation";
import { OrgTreeView } from "./org-tree";
import { SyncHistory } from "./sync-history";
import { TenantUsers } from "./tenant-users";
import { requirePortalViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import { requireTenantRow } from "@/lib/portal/tenant-access";
import { getTenant } from "@/lib/tenants/get-tenant";

export const dynamic = "force-dynamic";

export default async function TenantPage({ params }: { params: Promise<{ tenantRowId: string }> }) {
  const viewer = await requirePortalViewer();
  const { tenantRowId } = await params;
  const id = await requireTenantRow(viewer, tenantRowId).catch((e: unknown) => {
    if (e instanceof PortalError && e.code === "not_found") notFound();
    throw e;
  });
  const tenant = await getTenant(await getDb(), id);
  if (!tenant) notFound();
  return (
    <main className="space-y-6">
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
          <p className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
            KooGallery deleted this tenant on {tenant.deletedAt.toISOString().slice(0, 10)}.
          </p>
        ) : null}
      </div>
      <div className="grid gap-6 lg:grid-cols-2">
        <OrgTreeView tenantRowId={id} />
        <TenantUsers tenantRowId={id} />
      </div>
      <SyncHistory tenantRowId={id} />
    </main>
  );
}
