import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { buildKitV1Request, buildKitV2Request, buildV2BasicRequest } from "@/lib/koogallery/signer";
import { checkLargeBody } from "./large-body-check";
import { checkLargeBodyOffThread } from "./verify-off-thread";

const BASE = "http://portal.test/api/koogallery/saas";
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const users = Array.from({ length: 3000 }, (_, i) => ({ userName: `u${i}`, name: `张三${i}`, orgCode: "o", role: "user", enable: "true" }));

test("names the key that signed a large body, in any accepted form, and hashes the bytes", () => {
  const req = buildKitV2Request({ baseUrl: BASE, kitName: "authSync", accessKey: "kit-key", body: { tenantId: "t", userList: users } });
  const h = lower(req.headers);
  const material = { signature: h["x-sign"], timestamp: h["x-timestamp"], nonce: h["x-nonce"] };
  // KooGallery's own bodies are not sorted: only the top-level-sorted form verifies this one.
  const unsorted = Buffer.from(JSON.stringify({ userList: users, tenantId: "t" }));
  const keys = [{ name: "kit", key: "kit-key" }];
  assert.equal(checkLargeBody({ kind: "v2-kit", keys, body: unsorted, ...material, isRawOnly: false }).keyName, "kit");
  assert.equal(checkLargeBody({ kind: "v2-kit", keys: [{ name: "kit", key: "other" }], body: unsorted, ...material, isRawOnly: false }).keyName, null);
  // Over the refusal budget: the raw form only, so the unsorted body no longer verifies, the sorted one does.
  assert.equal(checkLargeBody({ kind: "v2-kit", keys, body: unsorted, ...material, isRawOnly: true }).keyName, null);
  assert.equal(checkLargeBody({ kind: "v2-kit", keys, body: Buffer.from(req.body!), ...material, isRawOnly: true }).keyName, "kit");
  assert.equal(
    checkLargeBody({ kind: "v2-kit", keys, body: unsorted, ...material, isRawOnly: false }).sha256,
    createHash("sha256").update(unsorted).digest("hex"),
  );
});

test("V2 basic and V1 Kit bodies, and junk", () => {
  const basic = buildV2BasicRequest({ baseUrl: BASE, accessKey: "basic-key", body: { activity: "queryInstance", instanceId: "x".repeat(70_000) } });
  const q = new URL(basic.url).searchParams;
  const material = { signature: q.get("signature") ?? "", timestamp: q.get("timestamp") ?? "", nonce: q.get("nonce") ?? "" };
  assert.equal(
    checkLargeBody({ kind: "v2-basic", keys: [{ name: "basic", key: "basic-key" }], body: Buffer.from(basic.body!), ...material, isRawOnly: false }).keyName,
    "basic",
  );
  const v1 = buildKitV1Request({ baseUrl: BASE, kitName: "authSync", accessKey: "kit-key", body: { tenantId: "t", userList: JSON.stringify(users) } });
  const keys = [
    { name: "kit", key: "other" },
    { name: "basic", key: "kit-key" },
  ];
  assert.equal(checkLargeBody({ kind: "v1-kit", keys, body: Buffer.from(v1.body!), token: lower(v1.headers).authtoken, isRawOnly: false }).keyName, "basic");
  assert.equal(checkLargeBody({ kind: "v1-kit", keys, body: Buffer.alloc(100_000, 0x78), token: "t", isRawOnly: false }).keyName, null);
});

test("off the event loop the answer is the same", async () => {
  const req = buildKitV2Request({ baseUrl: BASE, kitName: "authSync", accessKey: "kit-key", body: { tenantId: "t", userList: users } });
  const h = lower(req.headers);
  const check = {
    kind: "v2-kit" as const,
    keys: [{ name: "kit", key: "kit-key" }],
    body: Buffer.from(req.body!),
    signature: h["x-sign"],
    timestamp: h["x-timestamp"],
    nonce: h["x-nonce"],
    isRawOnly: false,
  };
  assert.deepEqual(await checkLargeBodyOffThread(check), checkLargeBody(check));
  assert.equal((await checkLargeBodyOffThread({ ...check, keys: [{ name: "kit", key: "wrong" }] })).keyName, null);
});
