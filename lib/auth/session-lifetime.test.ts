// Sessions in-process on a real database: a session ends 12 hours after its
// sign-in however often it is read, and a staff session ends when the
// account's password or role changes (StaffUser.sessionVersion).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import type { Session } from "next-auth";
import type { JWT } from "next-auth/jwt";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-session", { KOOGALLERY_ACCESS_KEY: "session-basic-key", PORTAL_PUBLIC_URL: "http://127.0.0.1:3000" }, { migrate: true });

const { buildAuthOptions } = await import("@/lib/auth/auth-options");
const { viewerOfSession } = await import("@/lib/auth/viewer");
const { createStaffUser, disableStaffUser, enableStaffUser, setStaffPassword, setStaffRole } = await import("@/lib/staff/manage-staff");
const { signInStaff } = await import("@/lib/staff/sign-in-staff");

const PASSWORD = "Correct horse 42 battery";
const HOUR = 60 * 60;
const now = () => Math.floor(Date.now() / 1000);
const { jwt, session } = buildAuthOptions(undefined, false).callbacks!;

/** What next-auth does on a sign-in and on every later read: the jwt callback, then the session callback. */
async function signIn(email: string, password = PASSWORD): Promise<JWT> {
  const result = await signInStaff({ email, password, ip: "192.0.2.1" });
  assert.ok(result.ok);
  const user = {
    id: result.staff.id,
    name: result.staff.name,
    email: result.staff.email,
    kind: "staff",
    role: result.staff.role.toLowerCase(),
    sessionVersion: result.staff.sessionVersion,
  };
  return jwt!({ token: { sub: user.id }, user, account: { provider: "staff", type: "credentials", providerAccountId: user.id } } as never);
}

async function read(token: JWT): Promise<{ token: JWT; session: Session }> {
  const next = await jwt!({ token } as never);
  const s = await session!({ session: { expires: new Date(Date.now() + 12 * HOUR * 1000).toISOString() } as Session, token: next } as never);
  return { token: next, session: s as Session };
}

async function staffAccount(role = "OPERATOR"): Promise<string> {
  const email = `session-${randomUUID()}@example.test`;
  await createStaffUser({ email, name: "Sam", role, password: PASSWORD });
  return email;
}

test("a session carries its sign-in time and ends 12 hours after it, however often it is read", async () => {
  const email = await staffAccount();
  const token = await signIn(email);
  assert.ok(Math.abs((token.signedInAt ?? 0) - now()) <= 2, "signedInAt is the sign-in time");
  const fresh = await read(token);
  assert.equal(fresh.session.user.email, email);
  assert.equal((await viewerOfSession(fresh.session))?.kind, "staff");

  // Eleven hours in (reads re-issue the cookie, but signedInAt stays): still signed in.
  const busy = await read({ ...fresh.token, signedInAt: now() - 11 * HOUR, iat: now() });
  assert.equal(busy.token.signedInAt, now() - 11 * HOUR);
  assert.ok(await viewerOfSession(busy.session));

  // Past twelve hours: /api/auth/session answers no session, and the token keeps no identity.
  const old = await read({ ...fresh.token, signedInAt: now() - 12 * HOUR - 60, iat: now() });
  assert.deepEqual(old.session, {});
  assert.equal(old.token.error, "session-expired");
  assert.equal(old.token.staffId, undefined);
  assert.equal(await viewerOfSession(old.session), null);
  // The viewer refuses an old session on its own too.
  assert.equal(await viewerOfSession({ ...fresh.session, user: { ...fresh.session.user, signedInAt: now() - 13 * HOUR } }), null);
  assert.equal(await viewerOfSession(fresh.session, now() + 12 * HOUR + 1), null);
  // A token from before sign-in times were recorded is not trusted forever.
  const legacy = await read({ ...fresh.token, signedInAt: undefined });
  assert.deepEqual(legacy.session, {});
  assert.equal(await viewerOfSession({ ...fresh.session, user: { ...fresh.session.user, signedInAt: undefined } }), null);
});

test("a role change signs the account's existing sessions out; new sessions work", async () => {
  await staffAccount("OWNER"); // the role guard needs another owner around
  const email = await staffAccount("OPERATOR");
  const before = (await read(await signIn(email))).session;
  assert.ok(await viewerOfSession(before));

  await setStaffRole(email, "OPERATOR");
  assert.ok(await viewerOfSession(before), "keeping the same role changes nothing");
  await setStaffRole(email, "VIEWER");
  assert.equal(await viewerOfSession(before), null, "the old session is gone");
  const after = (await read(await signIn(email))).session;
  assert.equal((await viewerOfSession(after))?.kind, "staff");
  assert.equal(after.user.role, "viewer");
});

test("a password change signs existing sessions out", async () => {
  const email = await staffAccount("VIEWER");
  const before = (await read(await signIn(email))).session;
  assert.ok(await viewerOfSession(before));
  await setStaffPassword(email, `${PASSWORD}!`);
  assert.equal(await viewerOfSession(before), null);
  assert.ok(await viewerOfSession((await read(await signIn(email, `${PASSWORD}!`))).session));
});

test("disabling ends sessions for good: enabling the account again does not bring them back", async () => {
  const email = await staffAccount("VIEWER");
  const before = (await read(await signIn(email))).session;
  await disableStaffUser(email);
  assert.equal(await viewerOfSession(before), null);
  await enableStaffUser(email);
  assert.equal(await viewerOfSession(before), null);
});
