// Staff accounts: create, list, change password, role and status. Nothing here
// returns a password hash. The last active OWNER can be neither demoted nor
// disabled, also when two such changes race (the OWNER rows are locked first).
// A new password, a new role or disabling bumps sessionVersion, which signs out
// every session that began before (lib/auth/viewer.ts); `npm run staff` changes
// accounts through these functions too.
import { z } from "zod";
import { getDb, type Tx } from "@/lib/db";
import { isUniqueViolation, PortalError } from "@/lib/errors";
import { StaffRole } from "@/lib/generated/prisma/enums";
import { checkPasswordStrength, hashPassword } from "@/lib/staff/password";
import { clearSignInFailures, normaliseEmail } from "@/lib/staff/rate-limit";
import { lockRows } from "@/lib/sql/lock-rows";

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
  return new PortalError("not_found", "no staff account with this email");
}

export async function createStaffUser(input: { email: string; name: string; role: StaffRole | string; password: string }): Promise<StaffSummary> {
  const email = validEmail(input.email);
  const name = input.name.trim();
  if (!name || name.length > 200) throw new PortalError("bad_request", "name must be 1 to 200 characters");
  const role = validRole(input.role);
  const passwordHash = await strongHash(input.password);
  const db = await getDb();
  try {
    return await db.staffUser.create({ data: { email, name, role, passwordHash }, select: summary });
  } catch (error) {
    if (isUniqueViolation(error)) throw new PortalError("conflict", "a staff account with this email already exists");
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
  const { count } = await db.staffUser.updateMany({ where: { email: normalised }, data: { passwordHash, sessionVersion: { increment: 1 } } });
  if (count === 0) throw notFound();
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
  change: (tx: Tx, id: string) => Promise<unknown>,
  refusal: string,
): Promise<StaffSummary> {
  const normalised = normaliseEmail(email);
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const owners = await lockRows(tx, "StaffUser", { role: "OWNER", disabledAt: null });
    const account = await tx.staffUser.findUnique({ where: { email: normalised }, select: { id: true, role: true, disabledAt: true } });
    if (!account) throw notFound();
    const isActiveOwner = account.role === "OWNER" && !account.disabledAt;
    if (isActiveOwner && isOwnerLost(account) && owners.every((o) => o.id === account.id)) throw new PortalError("conflict", refusal);
    await change(tx, account.id);
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
    "cannot change the role of the last active owner: make another account owner first",
  );
}

/** Idempotent: disabling a disabled account keeps its original disabledAt. */
export async function disableStaffUser(email: string): Promise<StaffSummary> {
  return changeGuardingLastOwner(
    email,
    () => true,
    // Sessions end with it, so enabling the account again does not bring them back.
    (tx, id) => tx.staffUser.updateMany({ where: { id, disabledAt: null }, data: { disabledAt: new Date(), sessionVersion: { increment: 1 } } }),
    "cannot disable the last active owner: make another account owner first",
  );
}

export async function enableStaffUser(email: string): Promise<StaffSummary> {
  const normalised = normaliseEmail(email);
  const db = await getDb();
  const { count } = await db.staffUser.updateMany({ where: { email: normalised }, data: { disabledAt: null } });
  if (count === 0) throw notFound();
  return db.staffUser.findUniqueOrThrow({ where: { email: normalised }, select: summary });
}
