// GET /api/portal/tenants/{id}/sync-events: the tenant's Kit sync history with each full sync's diff, newest first.
import { getDb } from "@/lib/db";
import { intParam, portalRoute } from "@/lib/portal/portal-route";
import { requireTenantRow } from "@/lib/portal/tenant-access";
import { listSyncEvents } from "@/lib/tenants/list-sync-events";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ tenantRowId: string }>(async ({ req, viewer, params }) => {
  const id = await requireTenantRow(viewer, params.tenantRowId);
  return listSyncEvents(await getDb(), id, { cursor: req.nextUrl.searchParams.get("cursor") ?? undefined, limit: intParam(req, "limit") ?? 50 });
});
