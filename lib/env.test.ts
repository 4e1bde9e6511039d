import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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
  assert.deepEqual(env.configured, { accessKey: true, kitAccessKey: false, licenseCodeAccessKey: false, aksk: false, encryptionKey: true });
  assert.throws(() => parseEnv({ PORTAL_ENCRYPTION_KEY: encryptionKey }), /KOOGALLERY_ACCESS_KEY is required/);
  assert.throws(() => parseEnv({ KOOGALLERY_ACCESS_KEY: "k" }), /PORTAL_ENCRYPTION_KEY is required/);
  assert.throws(() => parseEnv({ KOOGALLERY_ACCESS_KEY: "k", PORTAL_ENCRYPTION_KEY: "short-secret-value" }), (e: unknown) => e instanceof EnvError && !e.message.includes("short-secret-value"));
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
