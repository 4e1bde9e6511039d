// Staff accounts: create, list, change password, role and status. Nothing here
// returns a password hash. The last active OWNER can be neither demoted nor
// disabled, also when two such changes race (the OWNER rows are locked first).
// A new password, a new role or disabling bumps sessionVersion, which signs out
// every session that began before (lib/auth/viewer.ts); `npm run staff` changes
// accounts through these functions too. Every change leaves an audit entry in
// its transaction (lib/audit/; the actor is the request's or the CLI's).
import { z } from "zod";
import { getDb, type Tx } from "@/lib/db";
import { isUniqueViolation, PortalError, type ApiErrorKey } from "@/lib/errors";
import { StaffRole } from "@/lib/generated/prisma/enums";
import { checkPasswordStrength, hashPassword } from "@/lib/staff/password";
import { clearSignInFailures, normaliseEmail } from "@/lib/staff/rate-limit";
import { lockRows } from "@/lib/sql/lock-rows";
import { recordAudit } from "@/lib/audit/record-audit";
import type { AuditAction } from "@/lib/audit/audit-actions";

/** An entry about the account `email`, with what changed (never a password). */
function staffAudit(tx: Tx, action: AuditAction, email: string, detail?: Record<string, string>): Promise<void> {
  return recordAudit(tx, { action, subjectType: "staff", subjectId: email, ...(detail ? { detail } : {}) });
}

export type StaffSummary = {
  id: string;
  email: string;
  name: string;
  role: StaffRole;
  disabledAt: Date | null;
  lastSignInAt: Date | null;
  createdAt: Date;
};

const summary = { id: true, email: true, name: true, role: true, disabledAt: true, lastSignInAt: true, createdAt: true } as const;

const emailSchema = z.email().max(254);

function validEmail(email: string): string {
  const normalised = normaliseEmail(email);
  if (!emailSchema.safeParse(normalised).success) throw new PortalError("bad_request", "email is not a valid address");
  return normalised;
}

function validRole(role: string): StaffRole {
  const roles: readonly string[] = Object.values(StaffRole);
  const upper = role.toUpperCase();
  if (!roles.includes(upper)) throw new PortalError("bad_request", `role must be one of ${roles.join(", ")}`);
  return upper as StaffRole;
}

async function strongHash(password: string): Promise<string> {
  const weakness = checkPasswordStrength(password);
  if (weakness) throw new PortalError("bad_request", `password ${weakness}`);
  return hashPassword(password);
}

function notFound(): PortalError {
  return new PortalError("not_found", "no staff account with this email", { key: "staffNotFound" });
}

export async function createStaffUser(input: { email: string; name: string; role: StaffRole | string; password: string }): Promise<StaffSummary> {
  const email = validEmail(input.email);
  const name = input.name.trim();
  if (!name || name.length > 200) throw new PortalError("bad_request", "name must be 1 to 200 characters");
  const role = validRole(input.role);
  const passwordHash = await strongHash(input.password);
  const db = await getDb();
  try {
    return await db.$transaction(async (tx) => {
      const created = await tx.staffUser.create({ data: { email, name, role, passwordHash }, select: summary });
      await staffAudit(tx, "staff.create", email, { role });
      return created;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PortalError("conflict", "a staff account with this email already exists", { key: "staffExists" });
    throw error;
  }
}

export async function listStaffUsers(): Promise<StaffSummary[]> {
  const db = await getDb();
  return db.staffUser.findMany({ select: summary, orderBy: { email: "asc" } });
}

/** Also lifts the email's sign-in rate limit: whoever reset it can sign in at once. */
export async function setStaffPassword(email: string, password: string): Promise<StaffSummary> {
  const normalised = normaliseEmail(email);
  const passwordHash = await strongHash(password);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const { count } = await tx.staffUser.updateMany({ where: { email: normalised }, data: { passwordHash, sessionVersion: { increment: 1 } } });
    if (count === 0) throw notFound();
    await staffAudit(tx, "staff.password-reset", normalised);
  });
  await clearSignInFailures(normalised);
  return db.staffUser.findUniqueOrThrow({ where: { email: normalised }, select: summary });
}

/**
 * Runs `change` on the account after locking every active OWNER row, and
 * refuses when the account is the only active OWNER and `change` would end
 * that. Under READ COMMITTED a second racing transaction waits on the lock and
 * then re-reads the rows, so it sees the first one's demotion.
 */
async function changeGuardingLastOwner(
  email: string,
  isOwnerLost: (account: { role: StaffRole; disabledAt: Date | null }) => boolean,
  change: (tx: Tx, id: string) => Promise<{ count: number }>,
  refusal: { message: string; key: ApiErrorKey },
  audit: { action: AuditAction; detail?: Record<string, string> },
): Promise<StaffSummary> {
  const normalised = normaliseEmail(email);
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const owners = await lockRows(tx, "StaffUser", { role: "OWNER", disabledAt: null });
    const account = await tx.staffUser.findUnique({ where: { email: normalised }, select: { id: true, role: true, disabledAt: true } });
    if (!account) throw notFound();
    const isActiveOwner = account.role === "OWNER" && !account.disabledAt;
    if (isActiveOwner && isOwnerLost(account) && owners.every((o) => o.id === account.id))
      throw new PortalError("conflict", refusal.message, { key: refusal.key });
    // Only a real change is recorded: disabling a disabled account or keeping a role changes nothing.
    if ((await change(tx, account.id)).count > 0) {
      await staffAudit(tx, audit.action, normalised, audit.action === "staff.role" ? { ...audit.detail, was: account.role } : audit.detail);
    }
    return tx.staffUser.findUniqueOrThrow({ where: { id: account.id }, select: summary });
  });
}

export async function setStaffRole(email: string, role: StaffRole | string): Promise<StaffSummary> {
  const newRole = validRole(role);
  return changeGuardingLastOwner(
    email,
    () => newRole !== "OWNER",
    // Keeping the same role changes nothing and signs nobody out.
    (tx, id) => tx.staffUser.updateMany({ where: { id, role: { not: newRole } }, data: { role: newRole, sessionVersion: { increment: 1 } } }),
    { message: "cannot change the role of the last active owner: make another account owner first", key: "lastOwnerRole" },
    { action: "staff.role", detail: { role: newRole } },
  );
}

/** Idempotent: disabling a disabled account keeps its original disabledAt. */
export async function disableStaffUser(email: string): Promise<StaffSummary> {
  return changeGuardingLastOwner(
    email,
    () => true,
    // Sessions end with it, so enabling the account again does not bring them back.
    (tx, id) => tx.staffUser.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date(), sessionVersion: { increment: 1 } } }),
    { message: "cannot disable the last active owner: make another account owner first", key: "lastOwnerDisable" },
    { action: "staff.disable" },
  );
}

export async function enableStaffUser(email: string): Promise<StaffSummary> {
  const normalised = normaliseEmail(email);
  const db = await getDb();
  await db.$transaction(async (tx) => {
    const account = await tx.staffUser.findUnique({ where: { email: normalised }, select: { id: true } });
    if (!account) throw notFound();
    const { count } = await tx.staffUser.updateMany({ where: { id: account.id, disabledAt: { not: null } }, data: { disabledAt: null } });
    if (count > 0) await staffAudit(tx, "staff.enable", normalised);
  });
  return db.staffUser.findUniqueOrThrow({ where: { email: normalised }, select: summary });
}
