import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { buildKitV1Request, buildKitV2Request, buildV1GetRequest, buildV2BasicRequest } from "@/lib/koogallery/signer";
import { formatV1Timestamp } from "@/lib/koogallery/v1-auth-token";
import { decodeStoredV1Query, verifyV1Call, verifyV1KitCall, verifyV2Call } from "./verify-call";

const KEY = "demo-access-key-0123456789";
const keys = [{ name: "basic", key: KEY }];
const BASE = "http://portal.test/api/koogallery/saas";

function asCall(req: { url: string; method: string; headers: Record<string, string>; body?: string }) {
  return {
    method: req.method,
    url: req.url,
    headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: req.body ?? "",
  };
}

describe("V2 basic", () => {
  const body = { activity: "queryInstance", instanceId: "i-1" };

  test("a call signed like KooGallery is verified with its key, form and skew", () => {
    const v = verifyV2Call(asCall(buildV2BasicRequest({ baseUrl: BASE, accessKey: KEY, body })), "basic", keys);
    assert.ok(v.ok);
    assert.equal(v.info.key, "basic");
    assert.equal(v.info.form, "top-sorted");
    assert.match(String(v.nonce), /^basic:[0-9A-F]{64}$/);
  });

  test("protocol:test-vectors.md#v2-basic-request vector verifies at its own time", () => {
    const url =
      `${BASE}?signature=BAF60A798EAC102CC1E998449141672E23A814095DED0C2072B011B83E235583` +
      "&timestamp=1680508066618&nonce=50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";
    const rawBody =
      '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8",' +
      '"orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}';
    assert.ok(verifyV2Call({ method: "POST", url, headers: {}, rawBody }, "basic", keys, 1680508066618 + 1000).ok);
    const stale = verifyV2Call({ method: "POST", url, headers: {}, rawBody }, "basic", keys, 1680508066618 + 61_000);
    assert.ok(!stale.ok && stale.outcome === "BAD_TIMESTAMP" && stale.resultCode === "000002");
  });

  test("each failure mode has its code and reason", () => {
    const req = asCall(buildV2BasicRequest({ baseUrl: BASE, accessKey: KEY, body }));
    const tampered = verifyV2Call({ ...req, rawBody: req.rawBody.replace("i-1", "i-2") }, "basic", keys);
    assert.ok(!tampered.ok && tampered.outcome === "BAD_SIGNATURE" && tampered.resultCode === "000001");
    const wrongKey = verifyV2Call(req, "basic", [{ name: "basic", key: "other" }]);
    assert.ok(!wrongKey.ok && wrongKey.resultCode === "000001");
    const noSig = verifyV2Call({ ...req, url: req.url.replace(/signature=[^&]+&/, "") }, "basic", keys);
    assert.ok(!noSig.ok && noSig.resultCode === "000001" && noSig.outcome === "MISSING_CREDENTIALS");
    const noNonce = verifyV2Call({ ...req, url: req.url.replace(/&nonce=[^&]+/, "") }, "basic", keys);
    assert.ok(!noNonce.ok && noNonce.resultCode === "000002");
    const notJson = verifyV2Call({ ...req, rawBody: "{" }, "basic", keys);
    assert.ok(!notJson.ok && notJson.outcome === "MALFORMED" && notJson.resultCode === "000002");
  });

  test("Kit calls carry the material in x-sign headers", () => {
    const req = asCall(buildKitV2Request({ baseUrl: BASE, kitName: "tenantSync", accessKey: KEY, body: { tenantId: "t", flag: 1 } }));
    assert.ok(verifyV2Call(req, "kit", keys).ok);
    assert.ok(!verifyV2Call(req, "basic", keys).ok, "basic verification does not read headers");
  });
});

describe("V1", () => {
  const params = { activity: "queryInstance", instanceId: "i-1" };

  test("a GET signed like KooGallery is verified; a changed parameter is not", () => {
    const req = asCall(buildV1GetRequest({ baseUrl: BASE, accessKey: KEY, params }));
    const ok = verifyV1Call(req, KEY, 300_000);
    assert.ok(ok.ok);
    assert.equal(ok.payload.instanceId, "i-1");
    const bad = verifyV1Call({ ...req, url: req.url.replace("i-1", "i-2") }, KEY, 300_000);
    assert.ok(!bad.ok && bad.resultCode === "000001");
  });

  test("the token and its timeStamp are the replay key, and the signed time is the sending time", () => {
    const req = asCall(buildV1GetRequest({ baseUrl: BASE, accessKey: KEY, params }));
    const first = verifyV1Call(req, KEY, 300_000);
    const again = verifyV1Call(req, KEY, 300_000);
    assert.ok(first.ok && again.ok);
    const timeStamp = new URL(req.url).searchParams.get("timeStamp") ?? "";
    assert.ok(first.nonce?.startsWith(`v1:${timeStamp}:`));
    assert.equal(again.nonce, first.nonce);
    assert.ok(first.sentAt && Math.abs(first.sentAt.getTime() - Date.now()) < 5_000);
  });

  test("an authToken with a literal '+' (as in the doc examples) is accepted", () => {
    for (let i = 0; i < 200; i++) {
      const req = asCall(buildV1GetRequest({ baseUrl: BASE, accessKey: KEY, params: { ...params, instanceId: `i-${i}` } }));
      const url = new URL(req.url);
      const token = url.searchParams.get("authToken") ?? "";
      if (!token.includes("+")) continue;
      const literal = req.url.replace(/authToken=[^&]+/, `authToken=${token}`);
      assert.ok(verifyV1Call({ ...req, url: literal }, KEY, 300_000).ok);
      return;
    }
    assert.fail("no token with '+' in 200 tries");
  });

  test("a stored call is decoded for a re-run exactly as its verification decoded it", () => {
    // KooGallery's doc examples leave '+' unencoded: a form decoder reads it as a space.
    const req = asCall(buildV1GetRequest({ baseUrl: BASE, accessKey: KEY, params: { ...params, customerName: "A+B C" } }));
    const literal = { ...req, url: req.url.replace("A%2BB", "A+B") };
    assert.equal(new URL(literal.url).searchParams.get("customerName"), "A B C", "form decoding loses the plus");
    const v = verifyV1Call(literal, KEY, 300_000);
    assert.ok(v.ok);
    assert.equal(v.decodedQuery?.customerName, "A+B C");
    // Sealed with its decoding; and a row stored before decodings were sealed finds it again by its token.
    assert.equal(decodeStoredV1Query({ ...literal, decodedQuery: v.decodedQuery }, "any-key").customerName, "A+B C");
    assert.equal(decodeStoredV1Query(literal, KEY).customerName, "A+B C");
  });

  test("window and missing parameters", () => {
    const old = asCall(buildV1GetRequest({ baseUrl: BASE, accessKey: KEY, params, timeStamp: "20200101000000000" }));
    const r = verifyV1Call(old, KEY, 300_000);
    assert.ok(!r.ok && r.outcome === "BAD_TIMESTAMP" && r.resultCode === "000002");
    const noToken = verifyV1Call({ method: "GET", url: `${BASE}?activity=x&timeStamp=20261124000000000`, headers: {}, rawBody: "" }, KEY, 300_000);
    assert.ok(!noToken.ok && noToken.resultCode === "000001");
  });
});

describe("V1 Kit", () => {
  const kitKeys = [
    { name: "kit", key: "kit-key-0123" },
    { name: "basic", key: KEY },
  ];
  const body = { instanceId: "i-1", tenantId: "t-1", tenantCode: "c", name: "n", domainName: "d", flag: 1, testFlag: 0 };
  const now = Date.UTC(2026, 10, 24, 12, 0, 0);
  const kitCall = (accessKey: string, timeStamp?: string) =>
    asCall(buildKitV1Request({ baseUrl: BASE, kitName: "tenantSync", accessKey, body: timeStamp ? { ...body, timeStamp } : body }));

  const BEIJING = 480;

  test("the authToken header over the body fields verifies with the kit key, then the basic key", () => {
    const withKit = verifyV1KitCall(kitCall("kit-key-0123"), kitKeys, 300_000, BEIJING);
    assert.ok(withKit.ok && withKit.info.key === "kit" && withKit.info.timeZone === "UTC+8");
    const withBasic = verifyV1KitCall(kitCall(KEY), kitKeys, 300_000, BEIJING);
    assert.ok(withBasic.ok && withBasic.info.key === "basic");
  });

  test("the token and its timeStamp are the replay key (V1 has no nonce)", () => {
    const timeStamp = formatV1Timestamp(new Date(now), BEIJING);
    const first = verifyV1KitCall(kitCall(KEY, timeStamp), kitKeys, 300_000, BEIJING, now);
    const again = verifyV1KitCall(kitCall(KEY, timeStamp), kitKeys, 300_000, BEIJING, now + 1000);
    assert.ok(first.ok && again.ok);
    assert.match(first.nonce ?? "", new RegExp(`^v1kit:${timeStamp}:`));
    assert.equal(again.nonce, first.nonce, "the same call replayed has the same key");
    const next = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now + 1), BEIJING)), kitKeys, 300_000, BEIJING, now);
    assert.ok(next.ok && next.nonce !== first.nonce);
  });

  test("timeStamp is read in the deployment's one zone, never both", () => {
    const beijing = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now - 10_000), BEIJING)), kitKeys, 300_000, BEIJING, now);
    assert.ok(beijing.ok && beijing.info.timeZone === "UTC+8" && beijing.info.skewMs === 10_000);
    assert.equal(beijing.ok && beijing.sentAt?.getTime(), now - 10_000);
    // The same clock reading taken as UTC is eight hours away: a captured call must not verify again then.
    const utcReading = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now + 5_000))), kitKeys, 300_000, BEIJING, now);
    assert.ok(!utcReading.ok && utcReading.outcome === "BAD_TIMESTAMP" && utcReading.info.timeStamp === "stale");
    const utc = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now + 5_000))), kitKeys, 300_000, 0, now);
    assert.ok(utc.ok && utc.info.timeZone === "UTC" && utc.info.skewMs === -5_000);
    const eightHoursLater = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now), BEIJING)), kitKeys, 300_000, 0, now);
    assert.ok(!eightHoursLater.ok && eightHoursLater.info.timeStamp === "future");
    const stale = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now - 301_000), BEIJING)), kitKeys, 300_000, BEIJING, now);
    assert.ok(!stale.ok && stale.outcome === "BAD_TIMESTAMP" && stale.resultCode === "000002" && stale.info.timeStamp === "stale");
    const future = verifyV1KitCall(kitCall(KEY, formatV1Timestamp(new Date(now + 301_000), BEIJING)), kitKeys, 300_000, BEIJING, now);
    assert.ok(!future.ok && future.info.timeStamp === "future");
    const malformed = verifyV1KitCall(kitCall(KEY, "2026-11-24"), kitKeys, 300_000, BEIJING, now);
    assert.ok(!malformed.ok && malformed.resultCode === "000002");
  });

  test("a changed field, another key or a missing header is 000001; a missing timeStamp or a non-object body 000002", () => {
    const req = kitCall("kit-key-0123");
    const tampered = verifyV1KitCall({ ...req, rawBody: req.rawBody.replace('"flag":1', '"flag":0') }, kitKeys, 300_000, BEIJING);
    assert.ok(!tampered.ok && tampered.outcome === "BAD_SIGNATURE" && tampered.resultCode === "000001");
    assert.ok(!verifyV1KitCall(kitCall("other"), kitKeys, 300_000, BEIJING).ok);
    const { authtoken: _omit, ...headers } = req.headers;
    const missing = verifyV1KitCall({ ...req, headers }, kitKeys, 300_000, BEIJING);
    assert.ok(!missing.ok && missing.outcome === "MISSING_CREDENTIALS" && missing.resultCode === "000001");
    const noTime = verifyV1KitCall({ ...req, rawBody: JSON.stringify(body) }, kitKeys, 300_000, BEIJING);
    assert.ok(!noTime.ok && noTime.resultCode === "000002");
    const notObject = verifyV1KitCall({ ...req, rawBody: "[1]" }, kitKeys, 300_000, BEIJING);
    assert.ok(!notObject.ok && notObject.outcome === "MALFORMED" && notObject.resultCode === "000002");
  });
});
