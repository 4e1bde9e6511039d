// The SSO hand-off token in-process on a real database (embedded PGlite; a
// throw-away PostgreSQL database with TEST_DB=postgres): one signing key that
// concurrent first uses converge on, a JWKS without private parts, tokens a
// merchant can verify with jose alone, and one refusal per way a token can be
// wrong (audience, expiry, tampering, foreign key, alg none, alg confusion).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { test } from "node:test";
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from "jose";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const ISSUER = "https://portal.test";
const TTL_SECONDS = 60;
await prepareInProcessDatabase(
  "kg-handoff",
  {
    KOOGALLERY_ACCESS_KEY: "handoff-basic-key",
    PORTAL_PUBLIC_URL: ISSUER,
    SSO_HANDOFF_TTL_SECONDS: String(TTL_SECONDS),
  },
  { migrate: true },
);

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { openSecret } = await import("@/lib/crypto/secret-box");
const { getActiveSigningKey, getPublishedJwks, resetSigningKeyCacheForTests } = await import("@/lib/sso/signing-keys");
const { HandoffTokenError, handoffUrl, signHandoffToken, verifyHandoffToken } = await import("@/lib/sso/handoff-token");
const { GET: getJwksRoute } = await import("@/app/.well-known/jwks.json/route");

const INSTANCE = "inst-handoff-0001";
const CLAIMS = { userName: "alice", name: "Alice Li", role: "admin" as const, tenantId: "tenant-42", orgCode: "D7", instanceId: INSTANCE };

/** What a merchant's app does: the JWKS as served over HTTP, and jose with the documented checks. */
async function verifyAsMerchant(token: string, audience = INSTANCE) {
  const jwks = (await (await getJwksRoute()).json()) as { keys: JWK[] };
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience, algorithms: ["ES256"] });
}

async function assertRefused(token: string, audience = INSTANCE): Promise<void> {
  await assert.rejects(verifyHandoffToken(token, { instanceId: audience }), HandoffTokenError);
  await assert.rejects(verifyAsMerchant(token, audience));
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

test("concurrent first uses create one key that every caller converges on, then reuse it", async () => {
  resetSigningKeyCacheForTests();
  const first = getActiveSigningKey();
  // Dropping the load in flight makes the second call behave like another app instance.
  resetSigningKeyCacheForTests();
  const second = getActiveSigningKey();
  const [a, b] = await Promise.all([first, second]);
  assert.equal(a.kid, b.kid);
  assert.equal(a.alg, "ES256");

  const db = await getDb();
  // Creation is serialised: the second caller finds the first one's key instead of storing its own.
  assert.equal(await db.signingKey.count({ where: { retiredAt: null } }), 1, "one active key");
  assert.equal(await db.signingKey.count(), 1, "no second key was stored");

  resetSigningKeyCacheForTests();
  assert.equal((await getActiveSigningKey()).kid, a.kid, "a restarted instance finds the stored key");
  assert.equal(await getActiveSigningKey(), await getActiveSigningKey(), "cached between calls");
  assert.equal(await db.signingKey.count({ where: { retiredAt: null } }), 1);
});

test("the JWKS publishes public members only; the private key is stored sealed", async () => {
  const active = await getActiveSigningKey();
  const { keys } = await getPublishedJwks();
  assert.ok(keys.some((k) => k.kid === active.kid));
  for (const key of keys) {
    assert.deepEqual(Object.keys(key).sort(), ["alg", "crv", "kid", "kty", "use", "x", "y"]);
    assert.equal(key.d, undefined);
    assert.equal(key.alg, "ES256");
    assert.equal(key.use, "sig");
  }
  assert.equal(active.publicJwk.kid, active.kid);
  assert.equal((active.publicJwk as JWK).d, undefined);

  const row = await (await getDb()).signingKey.findUniqueOrThrow({ where: { kid: active.kid } });
  assert.match(row.privateJwkEnc, /^v1\./);
  const privateJwk = JSON.parse(openSecret(row.privateJwkEnc, getEnv().encryptionKey)) as JWK;
  assert.equal(typeof privateJwk.d, "string");
  assert.ok(!row.privateJwkEnc.includes(privateJwk.d!), "d is not stored in the clear");
  assert.equal((row.publicJwk as JWK).d, undefined);

  const response = await getJwksRoute();
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("cache-control"), "public, max-age=300");
  assert.ok(!(await response.text()).includes('"d"'));
});

test("a key retired less than a day ago stays published; an older one does not, and neither signs", async () => {
  const db = await getDb();
  const active = await getActiveSigningKey();
  const fakeKey = async (kid: string, retiredAgoMs: number) => {
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    const { kty, crv, x, y } = await exportJWK(publicKey);
    await db.signingKey.create({
      data: { kid, alg: "ES256", publicJwk: { kty, crv, x, y }, privateJwkEnc: "v1.unused.unused.unused", retiredAt: new Date(Date.now() - retiredAgoMs) },
    });
  };
  await fakeKey("retired-recently", 2 * 60 * 60_000);
  await fakeKey("retired-long-ago", 2 * 24 * 60 * 60_000);
  const kids = (await getPublishedJwks()).keys.map((k) => k.kid);
  assert.ok(kids.includes("retired-recently"));
  assert.ok(!kids.includes("retired-long-ago"));
  assert.ok(kids.includes(active.kid));
  resetSigningKeyCacheForTests();
  assert.equal((await getActiveSigningKey()).kid, active.kid);
});

test("a signed token verifies with the portal's JWKS and with jose alone, and carries the documented claims", async () => {
  const active = await getActiveSigningKey();
  const token = await signHandoffToken(CLAIMS);
  assert.deepEqual(decodeProtectedHeader(token), { alg: "ES256", kid: active.kid, typ: "JWT" });

  const claims = await verifyHandoffToken(token, { instanceId: INSTANCE });
  assert.equal(claims.iss, ISSUER);
  assert.equal(claims.aud, INSTANCE);
  assert.equal(claims.sub, "tenant-42:alice");
  assert.equal(claims.tenant, "tenant-42");
  assert.equal(claims.userName, "alice");
  assert.equal(claims.name, "Alice Li");
  assert.equal(claims.role, "admin");
  assert.equal(claims.organizationCode, "D7");
  assert.equal(claims.exp - claims.iat, TTL_SECONDS);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 5);

  const { payload, protectedHeader } = await verifyAsMerchant(token);
  assert.equal(protectedHeader.kid, active.kid);
  assert.equal(payload.sub, "tenant-42:alice");

  const other = await signHandoffToken(CLAIMS);
  assert.notEqual(decodeJwt(other).jti, claims.jti, "every token has its own jti");

  const withoutOrg = await verifyHandoffToken(await signHandoffToken({ ...CLAIMS, orgCode: undefined, role: "user" }), { instanceId: INSTANCE });
  assert.equal(withoutOrg.organizationCode, undefined);
  assert.equal(withoutOrg.role, "user");
});

test("refused: a token for another instance", async () => {
  const token = await signHandoffToken({ ...CLAIMS, instanceId: "inst-someone-else" });
  await assertRefused(token);
  await assert.rejects(verifyHandoffToken(token, { instanceId: INSTANCE }), (error: unknown) => {
    assert.ok(error instanceof HandoffTokenError);
    assert.equal(error.reason, "ERR_JWT_CLAIM_VALIDATION_FAILED");
    assert.equal(error.status, 401);
    return true;
  });
});

test("refused: an expired token (5 s of clock tolerance, no more)", async (t) => {
  const token = await signHandoffToken(CLAIMS);
  const { exp } = decodeJwt(token);
  t.mock.timers.enable({ apis: ["Date"], now: (exp! + 4) * 1000 });
  assert.equal((await verifyHandoffToken(token, { instanceId: INSTANCE })).userName, "alice");
  t.mock.timers.setTime((exp! + 6) * 1000);
  await assert.rejects(verifyHandoffToken(token, { instanceId: INSTANCE }), (error: unknown) => {
    assert.ok(error instanceof HandoffTokenError);
    assert.equal(error.reason, "ERR_JWT_EXPIRED");
    return true;
  });
  await assert.rejects(verifyAsMerchant(token));
});

test("refused: a tampered payload", async () => {
  const token = await signHandoffToken({ ...CLAIMS, role: "user" });
  const [header, payload, signature] = token.split(".");
  const changed = { ...(JSON.parse(Buffer.from(payload!, "base64url").toString()) as Record<string, unknown>), role: "admin" };
  await assertRefused(`${header}.${b64(changed)}.${signature}`);
  await assertRefused(`${header}.${payload}.${signature!.slice(0, -4)}AAAA`);
});

test("refused: a token signed by another key, under our kid or its own", async () => {
  const active = await getActiveSigningKey();
  const { privateKey } = await generateKeyPair("ES256");
  const forge = (kid: string) =>
    new SignJWT({ tenant: "tenant-42", userName: "alice", name: "Alice Li", role: "admin" })
      .setProtectedHeader({ alg: "ES256", kid, typ: "JWT" })
      .setIssuer(ISSUER)
      .setAudience(INSTANCE)
      .setSubject("tenant-42:alice")
      .setJti("forged")
      .setIssuedAt()
      .setExpirationTime("1m")
      .sign(privateKey);
  await assertRefused(await forge(active.kid));
  await assertRefused(await forge("attacker-key"));
});

test("refused: alg none, and HS256 keyed with the public key", async () => {
  const active = await getActiveSigningKey();
  const now = Math.floor(Date.now() / 1000);
  const payload = b64({
    iss: ISSUER,
    aud: INSTANCE,
    sub: "tenant-42:alice",
    tenant: "tenant-42",
    userName: "alice",
    name: "A",
    role: "admin",
    jti: "x",
    iat: now,
    exp: now + 60,
  });
  await assertRefused(`${b64({ alg: "none", typ: "JWT" })}.${payload}.`);
  await assertRefused(`${b64({ alg: "none", kid: active.kid, typ: "JWT" })}.${payload}.`);
  const header = b64({ alg: "HS256", kid: active.kid, typ: "JWT" });
  const mac = createHmac("sha256", JSON.stringify(active.publicJwk)).update(`${header}.${payload}`).digest("base64url");
  await assertRefused(`${header}.${payload}.${mac}`);
});

test("refused: a token from another issuer, and junk", async () => {
  const active = await getActiveSigningKey();
  const token = await new SignJWT({ tenant: "tenant-42", userName: "alice", name: "Alice Li", role: "admin" })
    .setProtectedHeader({ alg: "ES256", kid: active.kid, typ: "JWT" })
    .setIssuer("https://elsewhere.test")
    .setAudience(INSTANCE)
    .setSubject("tenant-42:alice")
    .setJti("other-issuer")
    .setIssuedAt()
    .setExpirationTime("1m")
    .sign(active.privateKey);
  await assertRefused(token);
  for (const junk of ["", "not-a-jwt", "a.b.c", "x".repeat(10_000)]) {
    await assert.rejects(verifyHandoffToken(junk, { instanceId: INSTANCE }), HandoffTokenError);
  }
});

test("handoffUrl adds kg_token and keeps the query and fragment as written", () => {
  assert.equal(handoffUrl("https://app.example/x", "T.K.N"), "https://app.example/x?kg_token=T.K.N");
  assert.equal(handoffUrl("https://app.example/x?a=1&b=%20c+d#/route?y=2", "tok"), "https://app.example/x?a=1&b=%20c+d&kg_token=tok#/route?y=2");
  assert.equal(handoffUrl("https://app.example/?#frag", "tok"), "https://app.example/?kg_token=tok#frag");
  assert.equal(handoffUrl("https://app.example/?kg_token=old&a=1&", "new"), "https://app.example/?a=1&kg_token=new");
  assert.throws(() => handoffUrl("javascript:alert(1)", "tok"));
  assert.throws(() => handoffUrl("/relative/path", "tok"));
});
