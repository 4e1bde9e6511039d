// Staff sign-in with email and password. Every attempt leaves an audit entry
// (never the password or its hash). The answer does not tell an unknown email
// from a wrong password, in words or (as far as one argon2 verification goes) in time.
// The rate limit is taken before the password is looked at (lib/staff/rate-limit.ts).
import { recordAudit } from "@/lib/audit/record-audit";
import { signInAudit } from "@/lib/auth/record-sign-in";
import { getDb } from "@/lib/db";
import type { StaffRole } from "@/lib/generated/prisma/client";
import { hashPassword, needsRehash, verifyPassword } from "@/lib/staff/password";
import { beginSignInAttempt, completeSignInAttempt, normaliseEmail, withdrawSignInAttempt } from "@/lib/staff/rate-limit";

/** sessionVersion goes into the session: a later password or role change signs it out. */
export type StaffIdentity = { id: string; email: string; name: string; role: StaffRole; sessionVersion: number };

export type SignInStaffResult = { ok: true; staff: StaffIdentity } | { ok: false; reason: "rate-limited" | "invalid" | "disabled"; retryAfterSeconds?: number };

/** RFC 5321 caps an address at 254 characters; anything longer cannot be an account. */
const MAX_EMAIL_LENGTH = 320;

// An argon2id hash of a random string nobody knows, with the same parameters
// as real hashes: verifying against it costs what a real verification costs.
const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$11LNyz3a3ug3GbPITBQOjw$zF9Vl/LuRc9srVCQPGjNMi07GB87RVFZtxipMVai9Cw";

export async function signInStaff(input: { email: string; password: string; ip?: string | null }): Promise<SignInStaffResult> {
  const email = normaliseEmail(input.email).slice(0, MAX_EMAIL_LENGTH);
  const ip = input.ip ? input.ip.trim().slice(0, 64) : null;
  const db = await getDb();
  const record = (outcome: "ok" | "refused", reason?: string) =>
    recordAudit(db, signInAudit({ method: "staff", outcome, reason, subject: email || undefined, ip: ip ?? undefined }));

  const attempt = await beginSignInAttempt({ email, ip });
  if (attempt.limited) {
    await withdrawSignInAttempt(attempt);
    await record("refused", "rate-limited");
    return { ok: false, reason: "rate-limited", retryAfterSeconds: attempt.retryAfterSeconds };
  }

  const user = email
    ? await db.staffUser.findUnique({
        where: { email },
        select: { id: true, email: true, name: true, role: true, passwordHash: true, disabledAt: true, sessionVersion: true },
      })
    : null;
  const isPasswordRight = await verifyPassword(user?.passwordHash ?? DUMMY_HASH, input.password);
  if (!user || !isPasswordRight) {
    // The attempt's rows stay: this is what the limit counts.
    await record("refused", "invalid");
    return { ok: false, reason: "invalid" };
  }
  // Only someone who knows the password learns that the account is disabled.
  if (user.disabledAt) {
    await withdrawSignInAttempt(attempt);
    await record("refused", "disabled");
    return { ok: false, reason: "disabled" };
  }

  const passwordHash = needsRehash(user.passwordHash) ? await hashPassword(input.password) : undefined;
  await db.staffUser.update({ where: { id: user.id }, data: { lastSignInAt: new Date(), ...(passwordHash ? { passwordHash } : {}) } });
  await completeSignInAttempt(attempt);
  await record("ok");
  return { ok: true, staff: { id: user.id, email: user.email, name: user.name, role: user.role, sessionVersion: user.sessionVersion } };
}
