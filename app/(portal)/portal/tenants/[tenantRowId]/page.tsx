// /portal/tenants/{id}: one tenant (scoped: another enterprise's tenant is a 404).
import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { OrgTreeView } from "./org-tree";
import { SyncHistory } from "./sync-history";
import { TenantSummary } from "./tenant-summary";
import { TenantUsers } from "./tenant-users";
import { getPortalPageViewer, inScopeOrNotFound, seedQueries } from "@/app/(portal)/portal-page";
import { portalQueries } from "@/components/portal/queries";
import { getDb } from "@/lib/db";
import { requireTenantRow } from "@/lib/portal/tenant-access";
import { getTenant } from "@/lib/tenants/get-tenant";

export const dynamic = "force-dynamic";

// The tenant's name is shown on the page once its scope is checked; the title stays generic.
export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("tenants");
  return { title: t("detailTitle") };
}

export default async function TenantPage({ params }: { params: Promise<{ tenantRowId: string }> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { tenantRowId } = await params;
  const id = await inScopeOrNotFound(requireTenantRow(viewer, tenantRowId));
  const tenant = await getTenant(await getDb(), id);
  if (!tenant) notFound();
  return (
    <main className="space-y-6">
      <HydrationBoundary state={seedQueries([{ queryKey: portalQueries.tenant(id).queryKey, data: tenant }])}>
        <TenantSummary tenantRowId={id} />
      </HydrationBoundary>
      <div className="grid gap-6 lg:grid-cols-2">
        <OrgTreeView tenantRowId={id} />
        <TenantUsers tenantRowId={id} />
      </div>
      <SyncHistory tenantRowId={id} />
    </main>
  );
}
