import assert from "node:assert/strict";
import { createPrivateKey, generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { EnvError, parseEnv } from "./env";

const encryptionKey = randomBytes(32).toString("base64");

test("keys default to the basic key; names of missing variables are in the message, values never", () => {
  const env = parseEnv({ KOOGALLERY_ACCESS_KEY: "basic", PORTAL_ENCRYPTION_KEY: encryptionKey });
  assert.equal(env.kitAccessKey, "basic");
  assert.equal(env.licenseCodeAccessKey, "basic");
  assert.equal(env.apiBaseUrl, "https://mkt.myhuaweicloud.com");
  assert.deepEqual(env.configured, {
    accessKey: true,
    kitAccessKey: false,
    licenseCodeAccessKey: false,
    aksk: false,
    encryptionKey: true,
    rsaPrivateKey: false,
  });
  assert.equal(env.rsaPrivateKeyPem, undefined);
  assert.throws(() => parseEnv({ PORTAL_ENCRYPTION_KEY: encryptionKey }), /KOOGALLERY_ACCESS_KEY is required/);
  assert.throws(() => parseEnv({ KOOGALLERY_ACCESS_KEY: "k" }), /PORTAL_ENCRYPTION_KEY is required/);
  assert.throws(
    () => parseEnv({ KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: "short-secret-value" }),
    (e: unknown) => e instanceof EnvError && !e.message.includes("short-secret-value"),
  );
  assert.throws(() => parseEnv({ KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: encryptionKey, KOOGALLERY_AK: "ak" }), /set together/);
  assert.throws(() => parseEnv({ KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: encryptionKey, PROVISIONING_ADAPTER: "http" }), /PROVISIONING_HTTP_URL/);
});

test("demo mode generates keys once and reuses them", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kg-env-"));
  try {
    const a = parseEnv({ PORTAL_DEMO: "1", DATA_DIR: dir });
    const b = parseEnv({ PORTAL_DEMO: "1", DATA_DIR: dir });
    assert.equal(a.accessKey, b.accessKey);
    assert.notEqual(a.kitAccessKey, a.accessKey);
    assert.ok(a.isDemo);
    assert.equal(JSON.parse(readFileSync(path.join(dir, "demo-secrets.json"), "utf8")).accessKey, a.accessKey);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("KOOGALLERY_RSA_PRIVATE_KEY_FILE must be a readable RSA key of at least 3072 bits; errors name the variable, never the key", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kg-env-rsa-"));
  const base = { KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: encryptionKey, DATA_DIR: dir };
  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  try {
    const good = generateKeyPairSync("rsa", {
      modulusLength: 3072,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const env = parseEnv({ ...base, KOOGALLERY_RSA_PRIVATE_KEY_FILE: write("good.pem", good.privateKey) });
    assert.equal(env.configured.rsaPrivateKey, true);
    assert.match(env.rsaPrivateKeyPem ?? "", /^-----BEGIN PRIVATE KEY-----/, "normalised to PKCS#8");
    assert.equal(createPrivateKey(env.rsaPrivateKeyPem!).asymmetricKeyDetails?.modulusLength, 3072);

    const small = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const ec = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const cases: Array<[string, RegExp]> = [
      [path.join(dir, "missing.pem"), /readable/],
      [write("small.pem", small.privateKey), /at least 3072 bits \(got 2048\)/],
      [write("ec.pem", ec.privateKey), /RSA private key/],
      [write("public.pem", good.publicKey), /private key/],
      [write("junk.pem", "not a key"), /PEM private key/],
    ];
    for (const [file, reason] of cases) {
      assert.throws(
        () => parseEnv({ ...base, KOOGALLERY_RSA_PRIVATE_KEY_FILE: file }),
        (e: unknown) =>
          e instanceof EnvError && e.message.includes("KOOGALLERY_RSA_PRIVATE_KEY_FILE") && reason.test(e.message) && !e.message.includes("BEGIN"),
        file,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("demo mode generates a 3072-bit RSA pair once and reuses it", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kg-env-demo-rsa-"));
  try {
    const a = parseEnv({ PORTAL_DEMO: "1", DATA_DIR: dir });
    const b = parseEnv({ PORTAL_DEMO: "1", DATA_DIR: dir });
    assert.ok(existsSync(path.join(dir, "demo-rsa-private.pem")) && existsSync(path.join(dir, "demo-rsa-public.pem")));
    assert.equal(a.rsaPrivateKeyPem, b.rsaPrivateKeyPem);
    assert.equal(createPrivateKey(a.rsaPrivateKeyPem!).asymmetricKeyDetails?.modulusLength, 3072);
    assert.equal(a.configured.rsaPrivateKey, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("retention days default to 180/14/30/365 and must be whole numbers of at least 1", () => {
  const base = { KOOGALLERY_ACCESS_KEY: "basic", PORTAL_ENCRYPTION_KEY: encryptionKey };
  assert.deepEqual(parseEnv(base).retention, { callbackLogDays: 180, refusedCallbackLogDays: 14, jobDays: 30, auditDays: 365 });
  const set = parseEnv({
    ...base,
    CALLBACK_LOG_RETENTION_DAYS: "90",
    CALLBACK_LOG_REFUSED_RETENTION_DAYS: "3",
    JOB_RETENTION_DAYS: "7",
    SIGN_IN_EVENT_RETENTION_DAYS: "",
  });
  assert.deepEqual(set.retention, { callbackLogDays: 90, refusedCallbackLogDays: 3, jobDays: 7, auditDays: 365 });
  assert.equal(parseEnv({ ...base, SIGN_IN_EVENT_RETENTION_DAYS: "100" }).retention.auditDays, 100, "the older name still counts");
  assert.equal(parseEnv({ ...base, SIGN_IN_EVENT_RETENTION_DAYS: "100", AUDIT_RETENTION_DAYS: "400" }).retention.auditDays, 400, "the newer name wins");
  for (const name of [
    "CALLBACK_LOG_RETENTION_DAYS",
    "CALLBACK_LOG_REFUSED_RETENTION_DAYS",
    "JOB_RETENTION_DAYS",
    "SIGN_IN_EVENT_RETENTION_DAYS",
    "AUDIT_RETENTION_DAYS",
  ]) {
    for (const value of ["0", "-1", "1.5", "soon"]) {
      assert.throws(
        () => parseEnv({ ...base, [name]: value }),
        (e: unknown) => e instanceof EnvError && e.message.includes(name),
        `${name}=${value}`,
      );
    }
  }
});

test("production refuses the mock identity provider, demo mode and a missing public URL, unless PORTAL_ALLOW_UNSAFE=1", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "kg-env-unsafe-"));
  const base = { KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: encryptionKey, DATA_DIR: dir, NODE_ENV: "production" };
  const publicUrl = { PORTAL_PUBLIC_URL: "https://portal.example.com" };
  const refused = (names: string[]) => (e: unknown) =>
    e instanceof EnvError &&
    e.message.includes("NODE_ENV=production") &&
    names.every((n) => e.message.includes(n)) &&
    !e.message.includes("portal.example.com") &&
    !e.message.includes(encryptionKey);
  try {
    assert.equal(parseEnv({ ...base, ...publicUrl }).publicUrl, "https://portal.example.com");
    assert.throws(() => parseEnv(base), refused(["PORTAL_PUBLIC_URL"]));
    assert.throws(() => parseEnv({ ...base, ...publicUrl, PORTAL_MOCK_IDP: "1" }), refused(["PORTAL_MOCK_IDP"]));
    assert.throws(() => parseEnv({ ...base, ...publicUrl, PORTAL_DEMO: "true" }), refused(["PORTAL_DEMO"]));
    assert.throws(() => parseEnv({ ...base, PORTAL_MOCK_IDP: "1", PORTAL_DEMO: "1" }), refused(["PORTAL_MOCK_IDP", "PORTAL_DEMO", "PORTAL_PUBLIC_URL"]));
    assert.ok(!existsSync(path.join(dir, "demo-secrets.json")), "refused before demo keys are generated");
    // Switched off is not set.
    assert.equal(parseEnv({ ...base, ...publicUrl, PORTAL_MOCK_IDP: "0", PORTAL_DEMO: "" }).auth.isMockIdp, false);

    const allowed = parseEnv({ ...base, PORTAL_MOCK_IDP: "1", PORTAL_DEMO: "1", PORTAL_ALLOW_UNSAFE: "1" });
    assert.ok(allowed.isDemo && allowed.auth.isMockIdp);
    assert.equal(allowed.publicUrl, "http://localhost:3000");
    // Outside production (npm run dev, the unit tests, the CLIs) nothing changes.
    assert.ok(parseEnv({ ...base, NODE_ENV: "development", PORTAL_MOCK_IDP: "1" }).auth.isMockIdp);
    assert.ok(parseEnv({ ...base, NODE_ENV: undefined, PORTAL_MOCK_IDP: "1" }).auth.isMockIdp);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
