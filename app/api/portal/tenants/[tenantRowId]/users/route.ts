// GET /api/portal/tenants/{id}/users: the tenant's grants, searchable and filtered, keyset-paged.
import { getDb } from "@/lib/db";
import { enumParam, intParam, portalRoute } from "@/lib/portal/portal-route";
import { requireTenantRow } from "@/lib/portal/tenant-access";
import { listTenantUsers } from "@/lib/tenants/list-tenant-users";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ tenantRowId: string }>(async ({ req, viewer, params }) => {
  const id = await requireTenantRow(viewer, params.tenantRowId);
  const p = req.nextUrl.searchParams;
  const enabled = enumParam(req, "enabled", ["true", "false"] as const);
  return listTenantUsers(await getDb(), id, {
    q: p.get("q") ?? undefined,
    role: enumParam(req, "role", ["user", "admin"] as const),
    status: enumParam(req, "status", ["ACTIVE", "REVOKED", "DELETED"] as const),
    isEnabled: enabled === undefined ? undefined : enabled === "true",
    cursor: p.get("cursor") ?? undefined,
    limit: intParam(req, "limit") ?? 50,
  });
});
