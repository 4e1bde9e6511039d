// GET|POST|PATCH /api/portal/staff: staff accounts (owners only): list, create, change role or disable.
import { z } from "zod";
import { hasStaffRole, type PortalViewer } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";
import { createStaffUser, disableStaffUser, enableStaffUser, listStaffUsers, setStaffRole } from "@/lib/staff/manage-staff";

export const dynamic = "force-dynamic";

const role = z.enum(["owner", "operator", "viewer"]);

function requireOwner(viewer: PortalViewer): void {
  if (!hasStaffRole(viewer, "OWNER")) throw new PortalError("forbidden", "only owners manage staff accounts");
}

export const GET = portalRoute(async ({ viewer }) => {
  requireOwner(viewer);
  return { items: await listStaffUsers() };
});

export const POST = portalRoute(async ({ req, viewer }) => {
  requireOwner(viewer);
  const input = await readJsonBody(req, z.object({ email: z.email().max(254), name: z.string().trim().min(1).max(100), role, password: z.string().max(256) }));
  return Response.json(await createStaffUser(input), { status: 201, headers: { "cache-control": "no-store" } });
});

export const PATCH = portalRoute(async ({ req, viewer }) => {
  requireOwner(viewer);
  const input = await readJsonBody(req, z.object({ email: z.email().max(254), role: role.optional(), isDisabled: z.boolean().optional() }));
  let result;
  if (input.role) result = await setStaffRole(input.email, input.role);
  if (input.isDisabled !== undefined) result = await (input.isDisabled ? disableStaffUser(input.email) : enableStaffUser(input.email));
  if (!result) throw new PortalError("bad_request", "nothing to change: give role or isDisabled");
  return result;
});
