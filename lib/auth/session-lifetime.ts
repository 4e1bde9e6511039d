// Sessions end 12 hours after sign-in, however busy they are. next-auth's own
// maxAge rolls: every session read re-issues the cookie for another maxAge, so
// a session polled every few minutes would never end. The sign-in time travels
// inside the (encrypted) token instead and is checked on every read: in the
// jwt callback (so /api/auth/session reports no session) and in
// lib/auth/viewer.ts (so no page or API serves it).
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Epoch seconds, as next-auth's own claims are. */
export function nowInSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}

/** A token without a sign-in time was issued before it was recorded: it is treated as expired, not trusted forever. */
export function isSessionExpired(signedInAt: number | undefined, nowSeconds: number = nowInSeconds()): boolean {
  return typeof signedInAt !== "number" || !Number.isFinite(signedInAt) || nowSeconds - signedInAt >= SESSION_MAX_AGE_SECONDS;
}
