// POST /api/portal/instances/{id}/reveal: the initial admin password, for operators and owners; the reveal is recorded (never the value).
import { hasStaffRole } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";
import { revealAppInfo } from "@/lib/instances/staff-actions";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const POST = portalRoute<{ instanceId: string }>(async ({ viewer, params }) => {
  if (viewer.kind !== "staff" || !hasStaffRole(viewer, "OPERATOR"))
    throw new PortalError("forbidden", "only operators and owners may reveal the password", { key: "operatorsOnly" });
  return revealAppInfo({ actor: { staffId: viewer.staffId, email: viewer.email }, instanceId: params.instanceId });
});
