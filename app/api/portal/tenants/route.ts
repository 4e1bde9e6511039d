// GET /api/portal/tenants: tenants the viewer may see (all for staff, their own for a tenant admin), keyset-paged.
import { tenantScope } from "@/lib/access/tenant-scope";
import { getDb } from "@/lib/db";
import { intParam, portalRoute } from "@/lib/portal/portal-route";
import { listTenants } from "@/lib/tenants/list-tenants";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const p = req.nextUrl.searchParams;
  return listTenants(await getDb(), tenantScope(viewer), {
    q: p.get("q") ?? undefined,
    includeDeleted: p.get("deleted") === "1",
    includeTest: p.get("test") === "1",
    cursor: p.get("cursor") ?? undefined,
    limit: intParam(req, "limit"),
  });
});
