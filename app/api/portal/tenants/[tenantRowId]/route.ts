// GET /api/portal/tenants/{id}: one tenant with its app credentials (never the secret) and counts.
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import { portalRoute } from "@/lib/portal/portal-route";
import { requireTenantRow } from "@/lib/portal/tenant-access";
import { getTenant } from "@/lib/tenants/get-tenant";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ tenantRowId: string }>(async ({ viewer, params }) => {
  const id = await requireTenantRow(viewer, params.tenantRowId);
  const tenant = await getTenant(await getDb(), id);
  if (!tenant) throw new PortalError("not_found", "no such tenant");
  return tenant;
});
