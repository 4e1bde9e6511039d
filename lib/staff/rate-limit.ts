// Sign-in rate limit kept in the database (SignInAttempt rows), so it holds
// across app instances and restarts. Only failures are counted, per
// `email:<address>` (guessing one account) and per `ip:<address>` (one client
// trying many accounts). A success clears its email's failures, not its IP's.
import { getDb } from "@/lib/db";

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;
/** Rows older than this are useless to the limit and are deleted now and then. */
export const SIGN_IN_ATTEMPT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Share of recorded failures that also sweep old rows: keeps the sweep off most requests' path. */
const SWEEP_PROBABILITY = 0.05;

export type SignInSource = { email: string; ip?: string | null };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function keysOf({ email, ip }: SignInSource): { key: string; max: number }[] {
  const keys = [{ key: `email:${normaliseEmail(email)}`, max: MAX_FAILURES_PER_EMAIL }];
  // Capped so a forged header cannot make huge keys; an IPv6 address is at most 45 characters.
  if (ip) keys.push({ key: `ip:${ip.trim().slice(0, 64)}`, max: MAX_FAILURES_PER_IP });
  return keys;
}

/**
 * Limited when either key has reached its maximum within the window.
 * retryAfterSeconds is when the oldest failure that keeps it limited leaves the window.
 */
export async function isSignInLimited(source: SignInSource, now: Date = new Date()): Promise<{ limited: boolean; retryAfterSeconds?: number }> {
  const db = await getDb();
  const since = new Date(now.getTime() - SIGN_IN_WINDOW_SECONDS * 1000);
  let retryAfterMs = 0;
  for (const { key, max } of keysOf(source)) {
    // The newest `max` failures in the window (index key+createdAt): limited when there are that many.
    const recent = await db.signInAttempt.findMany({
      where: { key, createdAt: { gt: since } },
      orderBy: { createdAt: "desc" },
      take: max,
      select: { createdAt: true },
    });
    const oldest = recent[max - 1];
    if (oldest) retryAfterMs = Math.max(retryAfterMs, oldest.createdAt.getTime() + SIGN_IN_WINDOW_SECONDS * 1000 - now.getTime());
  }
  if (retryAfterMs <= 0) return { limited: false };
  return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

export async function recordSignInFailure(source: SignInSource, now: Date = new Date()): Promise<void> {
  const db = await getDb();
  await db.signInAttempt.createMany({ data: keysOf(source).map(({ key }) => ({ key, createdAt: now })) });
  if (Math.random() < SWEEP_PROBABILITY) await deleteOldSignInAttempts(now);
}

export async function clearSignInFailures(email: string): Promise<void> {
  const db = await getDb();
  await db.signInAttempt.deleteMany({ where: { key: `email:${normaliseEmail(email)}` } });
}

/** Deletes failures older than a day; returns how many. */
export async function deleteOldSignInAttempts(now: Date = new Date()): Promise<number> {
  const db = await getDb();
  const { count } = await db.signInAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - SIGN_IN_ATTEMPT_RETENTION_MS) } } });
  return count;
}
