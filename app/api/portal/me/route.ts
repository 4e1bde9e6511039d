// GET /api/portal/me: who is signed in and what they may do.
import { hasStaffRole } from "@/lib/auth/viewer";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => ({
  kind: viewer.kind,
  name: viewer.name,
  role: viewer.kind === "staff" ? viewer.role.toLowerCase() : viewer.role,
  ...(viewer.kind === "staff" ? { email: viewer.email } : { tenantId: viewer.tenantId, userName: viewer.userName }),
  can: { operate: hasStaffRole(viewer, "OPERATOR"), manageStaff: hasStaffRole(viewer, "OWNER"), seeAllTenants: viewer.kind === "staff" },
}));
