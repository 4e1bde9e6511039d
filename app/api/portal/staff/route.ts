// GET|POST|PATCH /api/portal/staff: staff accounts (owners only): list; create (with the owner's password, or one
// generated and shown once in the answer); change role, disable or enable, or reset the password (generated, shown once).
import { z } from "zod";
import { hasStaffRole, type PortalViewer } from "@/lib/auth/viewer";
import { PortalError } from "@/lib/errors";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";
import {
  createStaffUser,
  disableStaffUser,
  enableStaffUser,
  listStaffUsers,
  setStaffPassword,
  setStaffRole,
  type StaffSummary,
} from "@/lib/staff/manage-staff";
import { generatePassword } from "@/lib/staff/password";

export const dynamic = "force-dynamic";

const role = z.enum(["owner", "operator", "viewer"]);

function requireOwner(viewer: PortalViewer): void {
  if (!hasStaffRole(viewer, "OWNER")) throw new PortalError("forbidden", "only owners manage staff accounts", { key: "ownersOnlyStaff" });
}

export const GET = portalRoute(async ({ viewer }) => {
  requireOwner(viewer);
  return { items: await listStaffUsers() };
});

export const POST = portalRoute(async ({ req, viewer }) => {
  requireOwner(viewer);
  const input = await readJsonBody(
    req,
    z.object({ email: z.email().max(254), name: z.string().trim().min(1).max(100), role, password: z.string().max(256).optional() }),
  );
  const generated = input.password ? undefined : generatePassword();
  const staff = await createStaffUser({ ...input, password: input.password ?? generated! });
  const body = generated ? { ...staff, shownOnce: { password: generated } } : staff;
  return Response.json(body, { status: 201, headers: { "cache-control": "no-store" } });
});

export const PATCH = portalRoute(async ({ req, viewer }) => {
  requireOwner(viewer);
  const input = await readJsonBody(
    req,
    z.object({ email: z.email().max(254), role: role.optional(), isDisabled: z.boolean().optional(), resetPassword: z.literal(true).optional() }),
  );
  let result: (StaffSummary & { shownOnce?: { password: string } }) | undefined;
  if (input.role) result = await setStaffRole(input.email, input.role);
  if (input.isDisabled !== undefined) result = await (input.isDisabled ? disableStaffUser(input.email) : enableStaffUser(input.email));
  if (input.resetPassword) {
    // Every session of the account ends (sessionVersion); the new password is in this answer only.
    const password = generatePassword();
    result = { ...(await setStaffPassword(input.email, password)), shownOnce: { password } };
  }
  if (!result) throw new PortalError("bad_request", "nothing to change: give role, isDisabled or resetPassword");
  return result;
});
