// Sign-in rate limit kept in the database (SignInAttempt rows), so it holds
// across app instances and restarts: per `email:<address>` (guessing one
// account) and per `ip:<address>` (one client trying many accounts).
//
// Atomic without locks or transactions: an attempt first records itself (its
// own committed insert, one row per key), then counts the rows in the window
// in a separate statement, which sees every attempt committed before it, its
// own included. Only an attempt whose counts are within the limits checks the
// password, so however many guesses arrive at once at most the limit are
// evaluated: the last of them to insert would count all the others. Checking
// first and recording after (the old way) let every parallel guess through.
//
// Only failures keep their rows. An attempt refused by the limit, or stopped
// for another reason than a wrong password, takes its rows back; a success
// takes its rows back and clears its email's failures (not its IP's).
import { randomUUID } from "node:crypto";
import { getDb } from "@/lib/db";

export const SIGN_IN_WINDOW_SECONDS = 15 * 60;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_IP = 30;
/** Rows older than this are useless to the limit and are deleted now and then. */
export const SIGN_IN_ATTEMPT_RETENTION_MS = 24 * 60 * 60 * 1000;
/** Share of attempts that also sweep old rows: keeps the sweep off most requests' path. */
const SWEEP_PROBABILITY = 0.05;

export type SignInSource = { email: string; ip?: string | null };

/** A recorded attempt: its own rows, and whether the limit lets it check the password. */
export type SignInAttempt = { ids: string[]; email: string; limited: boolean; retryAfterSeconds?: number };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

const emailKey = (email: string) => `email:${normaliseEmail(email)}`;

function keysOf({ email, ip }: SignInSource): { key: string; max: number }[] {
  const keys = [{ key: emailKey(email), max: MAX_FAILURES_PER_EMAIL }];
  // Capped so that no address makes huge keys; an IPv6 address is at most 45 characters.
  if (ip) keys.push({ key: `ip:${ip.trim().slice(0, 64)}`, max: MAX_FAILURES_PER_IP });
  return keys;
}

/**
 * Records the attempt, then counts. Limited when a key has more rows in the
 * window than its maximum; retryAfterSeconds is when the oldest failure that
 * keeps it limited leaves the window.
 */
export async function beginSignInAttempt(source: SignInSource, now: Date = new Date()): Promise<SignInAttempt> {
  const db = await getDb();
  const keys = keysOf(source);
  const rows = keys.map(({ key }) => ({ id: randomUUID(), key, createdAt: now }));
  const ids = rows.map((r) => r.id);
  await db.signInAttempt.createMany({ data: rows });
  if (Math.random() < SWEEP_PROBABILITY) await deleteOldSignInAttempts(now);

  const since = new Date(now.getTime() - SIGN_IN_WINDOW_SECONDS * 1000);
  const counts = await db.signInAttempt.groupBy({
    by: ["key"],
    where: { key: { in: keys.map((k) => k.key) }, createdAt: { gt: since } },
    _count: { _all: true },
  });
  const over = keys.filter(({ key, max }) => (counts.find((c) => c.key === key)?._count._all ?? 0) > max);
  if (over.length === 0) return { ids, email: source.email, limited: false };

  let retryAfterMs = 0;
  for (const { key, max } of over) {
    // The newest `max` other rows (index key+createdAt): this attempt may go once the oldest of them has left the window.
    const recent = await db.signInAttempt.findMany({
      where: { key, createdAt: { gt: since }, id: { notIn: ids } },
      orderBy: { createdAt: "desc" },
      take: max,
      select: { createdAt: true },
    });
    const oldest = recent[max - 1];
    // Fewer than `max` settled rows: attempts still in flight fill the window; say the whole window rather than guess.
    retryAfterMs = Math.max(retryAfterMs, oldest ? oldest.createdAt.getTime() + SIGN_IN_WINDOW_SECONDS * 1000 - now.getTime() : SIGN_IN_WINDOW_SECONDS * 1000);
  }
  return { ids, email: source.email, limited: true, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

/** An attempt that was not a wrong guess (refused by the limit; the right password for a disabled account) stops counting. */
export async function withdrawSignInAttempt(attempt: SignInAttempt): Promise<void> {
  const db = await getDb();
  await db.signInAttempt.deleteMany({ where: { id: { in: attempt.ids } } });
}

/** A success: its own rows go (it never counts towards the IP's limit), and so do its email's failures. */
export async function completeSignInAttempt(attempt: SignInAttempt): Promise<void> {
  const db = await getDb();
  await db.signInAttempt.deleteMany({ where: { OR: [{ id: { in: attempt.ids } }, { key: emailKey(attempt.email) }] } });
}

export async function clearSignInFailures(email: string): Promise<void> {
  const db = await getDb();
  await db.signInAttempt.deleteMany({ where: { key: emailKey(email) } });
}

/** Deletes attempts older than a day; returns how many. */
export async function deleteOldSignInAttempts(now: Date = new Date()): Promise<number> {
  const db = await getDb();
  const { count } = await db.signInAttempt.deleteMany({ where: { createdAt: { lt: new Date(now.getTime() - SIGN_IN_ATTEMPT_RETENTION_MS) } } });
  return count;
}
