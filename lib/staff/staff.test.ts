// Staff accounts in-process on a real database (embedded PGlite; a throw-away
// PostgreSQL database with TEST_DB=postgres): argon2id hashing, the strength
// rule, creation and conflicts, sign-in outcomes and their events, the
// database-backed rate limit, last-owner protection and the first owner.
import assert from "node:assert/strict";
import { randomInt, randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-staff", { KOOGALLERY_ACCESS_KEY: "staff-basic-key" }, { migrate: true });

const { hash: argon2Hash } = await import("@node-rs/argon2");
const { closeDb, getDb } = await import("@/lib/db");
const { PortalError } = await import("@/lib/errors");
const { EnvError } = await import("@/lib/env");
const { checkPasswordStrength, hashPassword, needsRehash, verifyPassword } = await import("@/lib/staff/password");
const rateLimit = await import("@/lib/staff/rate-limit");
const { signInStaff } = await import("@/lib/staff/sign-in-staff");
const { createStaffUser, disableStaffUser, enableStaffUser, listStaffUsers, setStaffPassword, setStaffRole } = await import("@/lib/staff/manage-staff");
const { ensureFirstOwner } = await import("@/lib/staff/ensure-first-owner");

const PASSWORD = "Correct horse 42 battery";
const uniqueEmail = (label: string) => `${label}-${randomUUID()}@example.test`;
const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;
const isCode = (code: string) => (e: unknown) => e instanceof PortalError && e.code === code;

/** Tests that need to know every staff row start from none (node:test runs a file's tests in order). */
async function removeAllStaff(): Promise<void> {
  const db = await getDb();
  await db.staffUser.deleteMany();
}

test("passwords are hashed with argon2id at OWASP's parameters and verified", async () => {
  const hashed = await hashPassword(PASSWORD);
  assert.match(hashed, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  assert.ok(!hashed.includes(PASSWORD));
  assert.notEqual(await hashPassword(PASSWORD), hashed, "salted");
  assert.equal(await verifyPassword(hashed, PASSWORD), true);
  assert.equal(await verifyPassword(hashed, `${PASSWORD}x`), false);
  assert.equal(await verifyPassword("not a hash", PASSWORD), false, "a malformed hash is a refusal, not a throw");
  assert.equal(await verifyPassword(hashed, "x".repeat(10_000)), false);
  assert.equal(needsRehash(hashed), false);
  assert.equal(needsRehash(await argon2Hash(PASSWORD, { memoryCost: 8192, timeCost: 1 })), true);
});

test("weak passwords are refused with a reason, acceptable ones pass", () => {
  for (const weak of [
    "short1A!",
    "abcdefghijklmnop",
    "ABCDEFGHIJKLMNOP",
    "123456789012345",
    "aaaaaaaaaaa1",
    "abababab1212",
    "x".repeat(12),
    `Aa1-${"x".repeat(253)}`,
  ]) {
    assert.equal(typeof checkPasswordStrength(weak), "string", weak.slice(0, 20));
  }
  assert.match(checkPasswordStrength("short")!, /at least 12/);
  assert.match(checkPasswordStrength(`Aa1-${"x".repeat(253)}`)!, /at most 256/);
  for (const fine of [PASSWORD, "correct horse battery staple", "Tr0ub4dor&3xy", "密码很长而且安全的句子1", `Aa1-${"xyz".repeat(84)}`]) {
    assert.equal(checkPasswordStrength(fine), undefined, fine.slice(0, 20));
  }
});

test("createStaffUser stores a lower-case email and a hash, refuses duplicates case-insensitively", async () => {
  const email = uniqueEmail("Create");
  const created = await createStaffUser({ email: `  ${email.toUpperCase()} `, name: " Alice ", role: "OPERATOR", password: PASSWORD });
  assert.deepEqual([created.email, created.name, created.role, created.disabledAt], [email.toLowerCase(), "Alice", "OPERATOR", null]);
  assert.ok(!("passwordHash" in created));

  await assert.rejects(createStaffUser({ email: email.toLowerCase(), name: "Again", role: "VIEWER", password: PASSWORD }), isCode("conflict"));
  await assert.rejects(createStaffUser({ email: uniqueEmail("weak"), name: "Weak", role: "VIEWER", password: "password" }), (e: unknown) => {
    return e instanceof PortalError && e.code === "bad_request" && e.status === 400 && /^password must/.test(e.message);
  });
  await assert.rejects(createStaffUser({ email: "not-an-email", name: "X", role: "VIEWER", password: PASSWORD }), isCode("bad_request"));
  await assert.rejects(createStaffUser({ email: uniqueEmail("role"), name: "X", role: "ADMIN", password: PASSWORD }), isCode("bad_request"));
  await assert.rejects(createStaffUser({ email: uniqueEmail("name"), name: "  ", role: "viewer", password: PASSWORD }), isCode("bad_request"));
  assert.equal((await createStaffUser({ email: uniqueEmail("lower-role"), name: "V", role: "viewer", password: PASSWORD })).role, "VIEWER");

  const listed = await listStaffUsers();
  const mine = listed.find((s) => s.email === email.toLowerCase());
  assert.ok(mine);
  assert.ok(!JSON.stringify(listed).includes("argon2"), "no hash in the list");
  const db = await getDb();
  const row = await db.staffUser.findUniqueOrThrow({ where: { email: email.toLowerCase() } });
  assert.equal(await verifyPassword(row.passwordHash, PASSWORD), true);
});

test("signInStaff: ok, wrong password, unknown email, disabled; one event each, never the password", async () => {
  const email = uniqueEmail("signin");
  const ip = uniqueIp();
  const user = await createStaffUser({ email, name: "Sam", role: "VIEWER", password: PASSWORD });

  const ok = await signInStaff({ email: ` ${email.toUpperCase()}`, password: PASSWORD, ip });
  assert.deepEqual(ok, { ok: true, staff: { id: user.id, email, name: "Sam", role: "VIEWER", sessionVersion: 0 } });
  const db = await getDb();
  assert.ok((await db.staffUser.findUniqueOrThrow({ where: { email } })).lastSignInAt);

  assert.deepEqual(await signInStaff({ email, password: "Wrong password 1", ip }), { ok: false, reason: "invalid" });
  const unknown = uniqueEmail("nobody");
  assert.deepEqual(await signInStaff({ email: unknown, password: PASSWORD, ip }), { ok: false, reason: "invalid" });

  await disableStaffUser(email);
  assert.deepEqual(
    await signInStaff({ email, password: "Wrong password 2", ip }),
    { ok: false, reason: "invalid" },
    "disabled is told only to the password's holder",
  );
  assert.deepEqual(await signInStaff({ email, password: PASSWORD, ip }), { ok: false, reason: "disabled" });
  await enableStaffUser(email);
  assert.equal((await signInStaff({ email, password: PASSWORD, ip })).ok, true);

  const events = await db.auditEntry.findMany({ where: { ip }, orderBy: { createdAt: "asc" } });
  assert.deepEqual(
    events.map((e) => [e.action, e.detail, e.outcome, e.reason, e.actor]),
    [
      ["sign-in", { method: "staff" }, "ok", null, `staff:${email}`],
      ["sign-in", { method: "staff" }, "refused", "invalid", `staff:${email}`],
      ["sign-in", { method: "staff" }, "refused", "invalid", `staff:${unknown}`],
      ["sign-in", { method: "staff" }, "refused", "invalid", `staff:${email}`],
      ["sign-in", { method: "staff" }, "refused", "disabled", `staff:${email}`],
      ["sign-in", { method: "staff" }, "ok", null, `staff:${email}`],
    ],
  );
  const everything = JSON.stringify(await db.auditEntry.findMany());
  for (const secret of [PASSWORD, "Wrong password 1", "Wrong password 2", "argon2"]) assert.ok(!everything.includes(secret), `no ${secret} in events`);
});

test("an unknown email costs a hash verification too", async () => {
  const email = uniqueEmail("timing");
  await createStaffUser({ email, name: "T", role: "VIEWER", password: PASSWORD });
  const median = async (fn: () => Promise<unknown>) => {
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      await fn();
      times.push(performance.now() - start);
    }
    return times.sort((a, b) => a - b)[2]!;
  };
  const known = await median(() => signInStaff({ email, password: "Wrong password 3", ip: uniqueIp() }));
  const unknown = await median(() => signInStaff({ email: uniqueEmail("ghost"), password: "Wrong password 3", ip: uniqueIp() }));
  assert.ok(unknown > known * 0.5, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`);
});

test("five failures limit the email (without checking the password), across instances; a success clears them", async () => {
  const email = uniqueEmail("limited");
  await createStaffUser({ email, name: "L", role: "VIEWER", password: PASSWORD });

  // Four failures, then a success: the count starts again.
  for (let i = 0; i < rateLimit.MAX_FAILURES_PER_EMAIL - 1; i++)
    assert.equal((await signInStaff({ email, password: `Wrong ${i} password`, ip: uniqueIp() })).ok, false);
  assert.equal((await signInStaff({ email, password: PASSWORD, ip: uniqueIp() })).ok, true);
  const db = await getDb();
  assert.equal(await db.signInAttempt.count({ where: { key: `email:${email}` } }), 0);

  // Five failures from five addresses: the email is limited, even for the right password.
  for (let i = 0; i < rateLimit.MAX_FAILURES_PER_EMAIL; i++) {
    assert.deepEqual(await signInStaff({ email: email.toUpperCase(), password: `Wrong ${i} password`, ip: uniqueIp() }), { ok: false, reason: "invalid" });
  }
  const limited = await signInStaff({ email, password: PASSWORD, ip: uniqueIp() });
  assert.equal(limited.ok, false);
  assert.ok(!limited.ok && limited.reason === "rate-limited");
  assert.ok(limited.retryAfterSeconds! > 0 && limited.retryAfterSeconds! <= rateLimit.SIGN_IN_WINDOW_SECONDS, String(limited.retryAfterSeconds));

  // Another app instance (a fresh client on the same database) sees the same limit.
  await closeDb();
  assert.equal((await signInStaff({ email, password: PASSWORD, ip: uniqueIp() })).ok, false);
  const event = await (await getDb()).auditEntry.findFirstOrThrow({ where: { actor: `staff:${email}`, action: "sign-in" }, orderBy: { createdAt: "desc" } });
  assert.deepEqual([event.outcome, event.reason], ["refused", "rate-limited"]);

  // It lifts when the window has passed.
  const later = new Date(Date.now() + rateLimit.SIGN_IN_WINDOW_SECONDS * 1000 + 1000);
  const afterWindow = await rateLimit.beginSignInAttempt({ email }, later);
  assert.equal(afterWindow.limited, false);
  await rateLimit.withdrawSignInAttempt(afterWindow);
  // Rate-limited attempts are not failures: they do not extend the limit.
  assert.equal(await (await getDb()).signInAttempt.count({ where: { key: `email:${email}` } }), rateLimit.MAX_FAILURES_PER_EMAIL);
  // An owner resetting the password lifts it at once.
  await setStaffPassword(email, `${PASSWORD}!`);
  assert.equal((await signInStaff({ email, password: `${PASSWORD}!`, ip: uniqueIp() })).ok, true);
});

test("thirty failures limit an address across emails; old attempts are swept", async () => {
  const ip = uniqueIp();
  const now = new Date();
  // Thirty wrong guesses: attempts that were let through and then failed keep their rows.
  for (let i = 0; i < rateLimit.MAX_FAILURES_PER_IP; i++)
    assert.equal((await rateLimit.beginSignInAttempt({ email: uniqueEmail("spray"), ip }, now)).limited, false);
  const limited = await rateLimit.beginSignInAttempt({ email: uniqueEmail("fresh"), ip }, now);
  assert.equal(limited.limited, true);
  assert.equal(limited.retryAfterSeconds, rateLimit.SIGN_IN_WINDOW_SECONDS);
  await rateLimit.withdrawSignInAttempt(limited);
  const elsewhere = await rateLimit.beginSignInAttempt({ email: uniqueEmail("fresh"), ip: uniqueIp() }, now);
  assert.equal(elsewhere.limited, false);
  await rateLimit.withdrawSignInAttempt(elsewhere);
  assert.equal((await signInStaff({ email: uniqueEmail("fresh"), password: PASSWORD, ip })).ok, false);

  const db = await getDb();
  assert.ok((await db.signInAttempt.count()) >= rateLimit.MAX_FAILURES_PER_IP * 2);
  const swept = await rateLimit.deleteOldSignInAttempts(new Date(Date.now() + rateLimit.SIGN_IN_ATTEMPT_RETENTION_MS + 60_000));
  assert.ok(swept >= rateLimit.MAX_FAILURES_PER_IP * 2);
  assert.equal(await db.signInAttempt.count(), 0);
});

test("fifty parallel wrong passwords for one account: at most five are checked", async () => {
  const email = uniqueEmail("storm");
  await createStaffUser({ email, name: "S", role: "VIEWER", password: PASSWORD });
  // From fifty addresses, so only the email's limit can stop them.
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => signInStaff({ email, password: `Wrong ${i} password`, ip: uniqueIp() })));
  assert.ok(results.every((r) => !r.ok));
  const db = await getDb();
  const reasons = (await db.auditEntry.findMany({ where: { actor: `staff:${email}`, action: "sign-in" }, select: { reason: true } })).map((e) => e.reason);
  const checked = reasons.filter((r) => r === "invalid").length;
  assert.equal(reasons.length, 50);
  assert.ok(checked <= rateLimit.MAX_FAILURES_PER_EMAIL, `${checked} passwords were checked`);
  assert.equal(reasons.filter((r) => r === "rate-limited").length, 50 - checked);
  // Refused attempts take their rows back: only the checked guesses count.
  assert.equal(await db.signInAttempt.count({ where: { key: `email:${email}` } }), checked);
});

test("sixty parallel guesses at sixty accounts from one address: at most thirty are checked", async () => {
  const ip = uniqueIp();
  const results = await Promise.all(Array.from({ length: 60 }, (_, i) => signInStaff({ email: uniqueEmail(`spray-${i}`), password: "Wrong password 9", ip })));
  assert.ok(results.every((r) => !r.ok));
  const db = await getDb();
  const reasons = (await db.auditEntry.findMany({ where: { ip, action: "sign-in" }, select: { reason: true } })).map((e) => e.reason);
  assert.equal(reasons.length, 60);
  assert.ok(reasons.filter((r) => r === "invalid").length <= rateLimit.MAX_FAILURES_PER_IP);
});

test("a forged X-Forwarded-For gets no fresh address budget: the limit keys on the address the server saw", async () => {
  process.env.NEXTAUTH_URL ??= "http://127.0.0.1:3000";
  const { buildAuthOptions } = await import("@/lib/auth/auth-options");
  type StaffProvider = { options: { id: string; authorize: (c: Record<string, string>, req: { headers: Record<string, string> }) => Promise<unknown> } };
  // next-auth merges a provider's options over its defaults when it starts; here they are still apart.
  const provider = (buildAuthOptions().providers as unknown as StaffProvider[]).find((p) => p.options?.id === "staff")!;
  const authorize = (email: string, headers: Record<string, string>) => provider.options.authorize({ email, password: "Wrong password 7" }, { headers });
  const refusal = (reason: RegExp) => (e: unknown) => e instanceof Error && reason.test(e.message);

  // The address server.ts saw (x-kg-client-address) has used up its budget.
  const seen = uniqueIp();
  const db = await getDb();
  await db.signInAttempt.createMany({ data: Array.from({ length: rateLimit.MAX_FAILURES_PER_IP }, () => ({ key: `ip:${seen}`, createdAt: new Date() })) });
  await assert.rejects(authorize(uniqueEmail("forged"), { "x-kg-client-address": seen, "x-forwarded-for": "203.0.113.9" }), refusal(/^rate-limited:/));
  await assert.rejects(
    authorize(uniqueEmail("forged"), { "x-kg-client-address": seen, "x-forwarded-for": `${uniqueIp()}, ${uniqueIp()}` }),
    refusal(/^rate-limited:/),
  );
  // Under `next start` (no serve.ts), the entry Next.js appended for the socket counts, not the client's own.
  await assert.rejects(authorize(uniqueEmail("forged"), { "x-forwarded-for": `203.0.113.9, ${seen}` }), refusal(/^rate-limited:/));
  // Another address still has its own budget.
  await assert.rejects(authorize(uniqueEmail("forged"), { "x-kg-client-address": uniqueIp(), "x-forwarded-for": seen }), refusal(/^invalid$/));
});

test("the last active owner cannot be demoted or disabled, also when two changes race", async () => {
  await removeAllStaff();
  const a = uniqueEmail("owner-a");
  const b = uniqueEmail("owner-b");
  const c = uniqueEmail("owner-c");
  await createStaffUser({ email: a, name: "A", role: "OWNER", password: PASSWORD });
  await createStaffUser({ email: b, name: "B", role: "OPERATOR", password: PASSWORD });

  await assert.rejects(setStaffRole(a, "OPERATOR"), isCode("conflict"));
  await assert.rejects(disableStaffUser(a), isCode("conflict"));
  assert.equal((await setStaffRole(a, "OWNER")).role, "OWNER", "keeping OWNER is no loss");
  await assert.rejects(setStaffRole(uniqueEmail("nobody"), "VIEWER"), isCode("not_found"));
  await assert.rejects(disableStaffUser(uniqueEmail("nobody")), isCode("not_found"));
  await assert.rejects(enableStaffUser(uniqueEmail("nobody")), isCode("not_found"));

  assert.equal((await setStaffRole(b, "owner")).role, "OWNER");
  assert.equal((await setStaffRole(a, "VIEWER")).role, "VIEWER");
  await assert.rejects(disableStaffUser(b), isCode("conflict"));

  // A disabled owner is not an active one.
  await createStaffUser({ email: c, name: "C", role: "OWNER", password: PASSWORD });
  const disabled = await disableStaffUser(c);
  assert.ok(disabled.disabledAt);
  assert.deepEqual((await disableStaffUser(c)).disabledAt, disabled.disabledAt, "disabling twice keeps the first time");
  await assert.rejects(setStaffRole(b, "VIEWER"), isCode("conflict"));
  await enableStaffUser(c);
  assert.ok((await disableStaffUser(b)).disabledAt);
  await enableStaffUser(b);

  // Two owners demoting each other at once: exactly one change wins.
  const results = await Promise.allSettled([setStaffRole(b, "OPERATOR"), setStaffRole(c, "OPERATOR")]);
  assert.deepEqual(results.map((r) => r.status).sort(), ["fulfilled", "rejected"]);
  const owners = (await listStaffUsers()).filter((s) => s.role === "OWNER" && !s.disabledAt);
  assert.equal(owners.length, 1);
});

test("ensureFirstOwner creates the owner from the environment once, race-safe", async () => {
  await removeAllStaff();
  const dataDir = mkdtempSync(path.join(tmpdir(), "kg-staff-owner-"));
  try {
    assert.deepEqual(await ensureFirstOwner({ auth: {}, isDemo: false, dataDir }), { action: "none", reason: "not-configured" });
    await assert.rejects(
      ensureFirstOwner({ auth: { owner: { email: "weak@example.test", password: "aaaaaaaaaaaaaa" } }, isDemo: false, dataDir }),
      (e: unknown) => {
        return e instanceof EnvError && e.message.startsWith("PORTAL_OWNER_PASSWORD ") && !e.message.includes("aaaa");
      },
    );

    const env = { auth: { owner: { email: "boss@example.test", password: PASSWORD } }, isDemo: true, dataDir };
    // Two app instances starting together.
    const both = await Promise.all([ensureFirstOwner(env), ensureFirstOwner(env)]);
    assert.deepEqual(both.map((r) => r.action).sort(), ["none", "owner-created"]);
    assert.deepEqual(
      both.find((r) => r.action === "owner-created"),
      { action: "owner-created", email: "boss@example.test" },
    );
    assert.deepEqual(await ensureFirstOwner(env), { action: "none", reason: "staff-exists" });
    const staff = await listStaffUsers();
    assert.deepEqual(
      staff.map((s) => [s.email, s.role]),
      [["boss@example.test", "OWNER"]],
      "the environment's owner wins over demo accounts",
    );
    assert.equal((await signInStaff({ email: "boss@example.test", password: PASSWORD, ip: uniqueIp() })).ok, true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test("in demo mode ensureFirstOwner creates three accounts and keeps their passwords in DATA_DIR", async (t) => {
  await removeAllStaff();
  const dataDir = mkdtempSync(path.join(tmpdir(), "kg-staff-demo-"));
  const log = t.mock.method(console, "log", () => undefined);
  try {
    const env = { auth: {}, isDemo: true, dataDir };
    const first = await ensureFirstOwner(env);
    assert.equal(first.action, "demo-created");
    assert.ok(first.action === "demo-created");
    assert.deepEqual(first.accounts, [
      { email: "owner@demo.local", role: "OWNER" },
      { email: "operator@demo.local", role: "OPERATOR" },
      { email: "viewer@demo.local", role: "VIEWER" },
    ]);
    const file = path.join(dataDir, "demo-staff.json");
    assert.equal(first.file, file);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const saved = readFileSync(file, "utf8");
    const { accounts } = JSON.parse(saved) as { accounts: { email: string; password: string }[] };
    assert.equal(accounts.length, 3);
    const printed = log.mock.calls.map((c) => String(c.arguments[0]));
    for (const a of accounts) {
      assert.equal(checkPasswordStrength(a.password), undefined);
      assert.ok(
        printed.some((line) => line.includes(a.email)),
        `names ${a.email}`,
      );
      assert.ok(!printed.some((line) => line.includes(a.password)), "never prints a password");
      assert.equal((await signInStaff({ email: a.email, password: a.password, ip: uniqueIp() })).ok, true);
    }
    assert.deepEqual(await ensureFirstOwner(env), { action: "none", reason: "staff-exists" });

    // A fresh database with the same DATA_DIR: the same passwords again.
    await removeAllStaff();
    assert.equal((await ensureFirstOwner(env)).action, "demo-created");
    assert.equal(readFileSync(file, "utf8"), saved);
    for (const a of accounts) assert.equal((await signInStaff({ email: a.email, password: a.password, ip: uniqueIp() })).ok, true);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
