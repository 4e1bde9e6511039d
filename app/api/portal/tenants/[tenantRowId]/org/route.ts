// GET /api/portal/tenants/{id}/org: the org tree (or a subtree, to a depth) with user counts; ?q= searches departments.
import { getDb } from "@/lib/db";
import { getOrgTree, searchDepartments } from "@/lib/org/read-org-tree";
import { intParam, portalRoute } from "@/lib/portal/portal-route";
import { requireTenantRow } from "@/lib/portal/tenant-access";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ tenantRowId: string }>(async ({ req, viewer, params }) => {
  const id = await requireTenantRow(viewer, params.tenantRowId);
  const db = await getDb();
  const q = req.nextUrl.searchParams.get("q")?.trim();
  if (q) return { matches: await searchDepartments(db, id, q.slice(0, 100), Math.min(intParam(req, "limit") ?? 20, 100)) };
  const depth = intParam(req, "depth");
  return getOrgTree(db, id, {
    rootOrgCode: req.nextUrl.searchParams.get("root") ?? undefined,
    depth: depth === undefined ? 2 : Math.min(Math.max(depth, 1), 50),
  });
});
