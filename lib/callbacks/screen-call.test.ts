import assert from "node:assert/strict";
import { test } from "node:test";
import { buildKitV2Request, buildV1GetRequest, buildV2BasicRequest } from "@/lib/koogallery/signer";
import { declaresBody, screenCall } from "./screen-call";

const BASE = "http://portal.test/api/koogallery/saas";
const env = { v1MaxSkewMs: 300_000 };
const lower = (h: Record<string, string>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
const kitV2 = { kind: "kit", generation: "V2", kitName: "tenantSync" } as const;

test("a call KooGallery signed passes the screen (its body is still to be verified)", () => {
  const v2 = buildV2BasicRequest({ baseUrl: BASE, accessKey: "k", body: { activity: "queryInstance", instanceId: "i" } });
  assert.equal(screenCall({ kind: "saas", generation: "V2" }, { method: "POST", url: v2.url, headers: lower(v2.headers) }, env), undefined);
  const kit = buildKitV2Request({ baseUrl: BASE, kitName: "tenantSync", accessKey: "k", body: { tenantId: "t" } });
  assert.equal(screenCall(kitV2, { method: "POST", url: kit.url, headers: lower(kit.headers) }, env), undefined);
  const v1 = buildV1GetRequest({ baseUrl: BASE, accessKey: "k", params: { activity: "queryInstance", instanceId: "i" } });
  assert.equal(screenCall({ kind: "saas", generation: "V1" }, { method: "GET", url: v1.url, headers: {} }, env), undefined);
  assert.equal(screenCall({ kind: "kit", generation: "V1", kitName: "authSync" }, { method: "POST", url: BASE, headers: { authtoken: "t" } }, env), undefined);
});

test("what the path and headers refuse, with the codes the same failures get after the body", () => {
  const kit = buildKitV2Request({ baseUrl: BASE, kitName: "tenantSync", accessKey: "k", body: { tenantId: "t" } });
  const h = lower(kit.headers);
  const code = (r: ReturnType<typeof screenCall>) => r && [r.outcome, r.resultCode];
  assert.deepEqual(code(screenCall({ kind: "kit", generation: "V2", kitName: "dropTables" }, { method: "POST", url: kit.url, headers: h }, env)), [
    "MALFORMED",
    "000002",
  ]);
  const { "x-sign": _s, ...noSign } = h;
  assert.deepEqual(code(screenCall(kitV2, { method: "POST", url: kit.url, headers: noSign }, env)), ["MISSING_CREDENTIALS", "000001"]);
  const { "x-nonce": _n, ...noNonce } = h;
  assert.deepEqual(code(screenCall(kitV2, { method: "POST", url: kit.url, headers: noNonce }, env)), ["MISSING_CREDENTIALS", "000002"]);
  assert.deepEqual(code(screenCall(kitV2, { method: "POST", url: kit.url, headers: { ...h, "x-timestamp": String(Date.now() - 61_000) } }, env)), [
    "BAD_TIMESTAMP",
    "000002",
  ]);
  assert.deepEqual(code(screenCall(kitV2, { method: "POST", url: kit.url, headers: { ...h, "x-sign": "A".repeat(5000) } }, env)), ["BAD_SIGNATURE", "000001"]);
  assert.deepEqual(code(screenCall({ kind: "kit", generation: "V1", kitName: "authSync" }, { method: "POST", url: BASE, headers: {} }, env)), [
    "MISSING_CREDENTIALS",
    "000001",
  ]);
  assert.deepEqual(code(screenCall({ kind: "saas", generation: "V2" }, { method: "POST", url: BASE, headers: {} }, env)), ["MISSING_CREDENTIALS", "000002"]);
  const v1 = buildV1GetRequest({ baseUrl: BASE, accessKey: "k", params: { activity: "queryInstance", instanceId: "i" } });
  assert.deepEqual(code(screenCall({ kind: "saas", generation: "V1" }, { method: "GET", url: v1.url, headers: { "content-length": "10" } }, env)), [
    "MALFORMED",
    "000002",
  ]);
  assert.deepEqual(
    code(
      screenCall({ kind: "saas", generation: "V1" }, { method: "GET", url: v1.url.replace(/timeStamp=\d+/, "timeStamp=20200101000000000"), headers: {} }, env),
    ),
    ["BAD_TIMESTAMP", "000002"],
  );
  assert.deepEqual(code(screenCall({ kind: "saas", generation: "V1" }, { method: "GET", url: v1.url.replace(/&authToken=[^&]+/, ""), headers: {} }, env)), [
    "MISSING_CREDENTIALS",
    "000001",
  ]);
});

test("a body is declared by a length above zero or by chunked encoding", () => {
  assert.equal(declaresBody({}), false);
  assert.equal(declaresBody({ "content-length": "0" }), false);
  assert.equal(declaresBody({ "content-length": "1" }), true);
  assert.equal(declaresBody({ "transfer-encoding": "chunked" }), true);
});
