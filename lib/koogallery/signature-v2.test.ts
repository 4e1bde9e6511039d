import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalPayload } from "./canonical-json";
import { KooGalleryProtocolError } from "./errors";
import { checkTimestamp, computeBasicPayloadHash, computeBasicSignature, computeKitSignature, verifyBasicSignature, verifyKitSignature } from "./signature-v2";

const accessKey = "demo-access-key-0123456789";
const timestamp = "1680508066618";
const nonce = "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";
const basicRaw =
  '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS",' +
  '"orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';
const basicSignature = "BAF60A798EAC102CC1E998449141672E23A814095DED0C2072B011B83E235583";
const kitRaw =
  '{"domainName":"https://example.tenantaccount.com","flag":1,"instanceId":"huaiweitest123456","name":"huaiweitest","orderId":"CS1906666666ABCDE",' +
  '"tenantCode":"huawei","tenantId":"68cbc86abc2018ab880d92f36422fa0e","testFlag":0,"timeStamp":"20220413093539534"}';
const kitSignature = "38CBAE1966BD0DDA38D86FE983AFD1824BFED4BD229FBDD3188DACD6A8566711";

const parse = (raw: string) => JSON.parse(raw) as Record<string, unknown>;

describe("computeBasicSignature (protocol:test-vectors.md#v2-basic-request)", () => {
  it("reproduces the inner hash and the signature", () => {
    assert.equal(computeBasicPayloadHash(accessKey, basicRaw), "81d83c797cbda4ff408fb002579f63fb6bd6b32d28b305c72bc5afb8ccd6f031");
    assert.equal(computeBasicSignature({ accessKey, payload: basicRaw, timestamp, nonce }), basicSignature);
  });

  it("refuses to sign with an empty key", () => {
    assert.throws(() => computeBasicSignature({ accessKey: "", payload: basicRaw, timestamp, nonce }), KooGalleryProtocolError);
  });
});

describe("computeKitSignature (protocol:test-vectors.md#kit-tenantsync-request)", () => {
  it("reproduces x-sign", () => {
    assert.equal(computeKitSignature({ accessKey, payload: kitRaw, timestamp, nonce }), kitSignature);
  });
});

describe("verifyBasicSignature", () => {
  const base = { accessKey, rawBody: basicRaw, body: parse(basicRaw), signature: basicSignature, timestamp, nonce };

  it("accepts the protocol:test-vectors.md#v2-basic-request request, in either case", () => {
    assert.deepEqual(verifyBasicSignature(base), { ok: true, form: "top-sorted" });
    assert.deepEqual(verifyBasicSignature({ ...base, signature: basicSignature.toLowerCase() }), { ok: true, form: "top-sorted" });
  });

  it("accepts a body sent in another order and with whitespace", () => {
    const raw =
      '{ "testFlag":"1", "orderLineId":"CS2211181819B4LVS-000001", "orderId":"CS2211181819B4LVS", "businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8", ' +
      '"activity":"newInstance" }';
    assert.deepEqual(verifyBasicSignature({ ...base, rawBody: raw, body: parse(raw) }), { ok: true, form: "top-sorted" });
  });

  it("accepts a signature over the raw bytes", () => {
    const raw = '{"testFlag":"1","activity":"newInstance"}';
    const signature = computeBasicSignature({ accessKey, payload: raw, timestamp, nonce });
    assert.deepEqual(verifyBasicSignature({ ...base, rawBody: raw, body: parse(raw), signature }), { ok: true, form: "raw" });
  });

  it("rejects a tampered body", () => {
    const raw = basicRaw.replace('"testFlag":"1"', '"testFlag":"0"');
    assert.deepEqual(verifyBasicSignature({ ...base, rawBody: raw, body: parse(raw) }), { ok: false, reason: "mismatch" });
  });

  it("rejects an added field", () => {
    const body = { ...parse(basicRaw), instanceId: "x" };
    assert.deepEqual(verifyBasicSignature({ ...base, rawBody: JSON.stringify(body), body }), { ok: false, reason: "mismatch" });
  });

  it("rejects a wrong key, nonce or timestamp", () => {
    assert.equal(verifyBasicSignature({ ...base, accessKey: `${accessKey}x` }).ok, false);
    assert.equal(verifyBasicSignature({ ...base, nonce: nonce.toLowerCase() }).ok, false);
    assert.equal(verifyBasicSignature({ ...base, timestamp: "1680508066619" }).ok, false);
  });

  it("rejects a Kit-style signature for a basic interface", () => {
    const signature = computeKitSignature({ accessKey, payload: basicRaw, timestamp, nonce });
    assert.equal(verifyBasicSignature({ ...base, signature }).ok, false);
  });

  it("reports a missing signature or key instead of matching", () => {
    assert.deepEqual(verifyBasicSignature({ ...base, signature: undefined }), { ok: false, reason: "missing-signature" });
    assert.deepEqual(verifyBasicSignature({ ...base, signature: "" }), { ok: false, reason: "missing-signature" });
    assert.deepEqual(verifyBasicSignature({ ...base, accessKey: "" }), { ok: false, reason: "missing-key" });
  });

  it("rejects a truncated signature without throwing", () => {
    assert.equal(verifyBasicSignature({ ...base, signature: basicSignature.slice(0, 10) }).ok, false);
  });
});

describe("verifyKitSignature", () => {
  const base = { accessKey, rawBody: kitRaw, body: parse(kitRaw), signature: kitSignature, timestamp, nonce };

  it("accepts the protocol:test-vectors.md#kit-tenantsync-request request", () => {
    assert.deepEqual(verifyKitSignature(base), { ok: true, form: "top-sorted" });
  });

  it("rejects a basic-style signature and a tampered flag", () => {
    const basic = computeBasicSignature({ accessKey, payload: kitRaw, timestamp, nonce });
    assert.equal(verifyKitSignature({ ...base, signature: basic }).ok, false);
    const raw = kitRaw.replace('"flag":1', '"flag":0');
    assert.equal(verifyKitSignature({ ...base, rawBody: raw, body: parse(raw) }).ok, false);
  });

  const nestedRaw = '{"userList":[{"userName":"u1","name":"n","enable":"true"}],"testFlag": 1,"flag":1.0}';
  const nestedBody = parse(nestedRaw);

  it("accepts a signature over the recursively sorted payload", () => {
    const signature = computeKitSignature({ accessKey, payload: canonicalPayload(nestedBody, "deep-sorted"), timestamp, nonce });
    assert.deepEqual(verifyKitSignature({ ...base, rawBody: nestedRaw, body: nestedBody, signature }), { ok: true, form: "deep-sorted" });
  });

  it("accepts a signature over Java-rendered numbers", () => {
    const payload = '{"flag":1.0,"testFlag":1,"userList":[{"userName":"u1","name":"n","enable":"true"}]}';
    const signature = computeKitSignature({ accessKey, payload, timestamp, nonce });
    assert.deepEqual(verifyKitSignature({ ...base, rawBody: nestedRaw, body: nestedBody, signature }), {
      ok: true,
      form: "top-sorted-java-numbers",
    });
  });
});

describe("checkTimestamp", () => {
  const now = 1_680_508_066_618;

  it("accepts a current millisecond timestamp", () => {
    assert.deepEqual(checkTimestamp(String(now), now), { ok: true, skewMs: 0, ms: now });
  });

  it("accepts up to the window on both sides", () => {
    assert.deepEqual(checkTimestamp(String(now - 60_000), now), { ok: true, skewMs: 60_000, ms: now - 60_000 });
    assert.deepEqual(checkTimestamp(String(now + 60_000), now), { ok: true, skewMs: -60_000, ms: now + 60_000 });
  });

  it("rejects stale and future timestamps with the skew", () => {
    assert.deepEqual(checkTimestamp(String(now - 60_001), now), { ok: false, reason: "stale", skewMs: 60_001 });
    assert.deepEqual(checkTimestamp(String(now + 60_001), now), { ok: false, reason: "future", skewMs: -60_001 });
  });

  it("scales 10-digit seconds", () => {
    assert.deepEqual(checkTimestamp("1680508066", now), { ok: true, skewMs: 618, ms: 1_680_508_066_000 });
    assert.equal(checkTimestamp("1680500000", now).ok, false);
  });

  it("honours a custom window", () => {
    assert.equal(checkTimestamp(String(now - 5_000), now, 1_000).ok, false);
    assert.equal(checkTimestamp(String(now - 5_000), now, 10_000).ok, true);
  });

  it("reports missing and malformed values", () => {
    for (const missing of [undefined, null, ""]) assert.deepEqual(checkTimestamp(missing, now), { ok: false, reason: "missing" });
    for (const bad of ["abc", "123", "168050806661", "16805080666180", "1680508066618.5", " 1680508066618", "-680508066618", "1.68e12"]) {
      assert.deepEqual(checkTimestamp(bad, now), { ok: false, reason: "malformed" }, bad);
    }
  });
});
