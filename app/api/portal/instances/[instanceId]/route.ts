// GET /api/portal/instances/{id}: one instance with its orders, masked app info and merged timeline (404 outside the viewer's scope).
import { instanceScope } from "@/lib/access/instance-scope";
import { tenantScope } from "@/lib/access/tenant-scope";
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import { getInstanceDetail } from "@/lib/instances/get-instance-detail";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ instanceId: string }>(async ({ viewer, params }) => {
  const detail = await getInstanceDetail(await getDb(), await instanceScope(viewer), params.instanceId, {
    tenantScope: tenantScope(viewer),
    showStaffIdentity: viewer.kind === "staff",
    showErrorDetail: viewer.kind === "staff",
  });
  if (!detail) throw new PortalError("not_found", "no such instance");
  return detail;
});
