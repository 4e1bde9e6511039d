import assert from "node:assert/strict";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { verifyBasicSignature, verifyKitSignature } from "./signature-v2";
import { buildKitV1Request, buildKitV2Request, buildV1GetRequest, buildV2BasicRequest, generateNonce, sendSignedRequest } from "./signer";
import { authTokenParamsFromBody, parseV1Timestamp, verifyAuthToken } from "./v1-auth-token";
import { KIT_TENANT_SYNC_BODY, KIT_TENANT_SYNC_PAYLOAD } from "@/testing/support/koogallery-examples";

const accessKey = "demo-access-key-0123456789";
const timestamp = "1680508066618";
const nonce = "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA";

describe("buildV2BasicRequest (protocol:test-vectors.md#v2-basic-request)", () => {
  const request = buildV2BasicRequest({
    baseUrl: "https://www.isvwebsite.com/saasproduce",
    accessKey,
    body: {
      activity: "newInstance",
      orderId: "CS2211181819B4LVS",
      orderLineId: "CS2211181819B4LVS-000001",
      businessId: "87b94795-0603-4e24-8ae5-69420d60e3c8",
      testFlag: "1",
    },
    timestamp,
    nonce,
  });

  it("reproduces the documented request", () => {
    assert.equal(
      request.url,
      `https://www.isvwebsite.com/saasproduce?signature=BAF60A798EAC102CC1E998449141672E23A814095DED0C2072B011B83E235583&timestamp=${timestamp}&nonce=${nonce}`,
    );
    assert.equal(request.method, "POST");
    assert.equal(
      request.body,
      '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS",' +
        '"orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
    );
    assert.deepEqual(request.headers, { Accept: "application/json", "Content-Type": "application/json;charset=utf8" });
  });

  it("verifies on the merchant side", () => {
    const params = new URL(request.url).searchParams;
    const rawBody = request.body ?? "";
    const result = verifyBasicSignature({
      accessKey,
      rawBody,
      body: JSON.parse(rawBody) as Record<string, unknown>,
      signature: params.get("signature"),
      timestamp: params.get("timestamp") ?? "",
      nonce: params.get("nonce") ?? "",
    });
    assert.deepEqual(result, { ok: true, form: "top-sorted" });
  });

  it("fills a fresh timestamp and a 64-hex nonce", () => {
    const fresh = new URL(buildV2BasicRequest({ baseUrl: "https://x.example/p?a=1", accessKey, body: { activity: "queryInstance" } }).url);
    assert.equal(fresh.searchParams.get("a"), "1");
    assert.ok(Math.abs(Number(fresh.searchParams.get("timestamp")) - Date.now()) < 5_000);
    assert.match(fresh.searchParams.get("nonce") ?? "", /^[0-9A-F]{64}$/);
    assert.notEqual(generateNonce(), generateNonce());
  });
});

describe("buildKitV2Request (protocol:test-vectors.md#kit-tenantsync-request)", () => {
  it("reproduces x-sign, path and body", () => {
    const request = buildKitV2Request({
      baseUrl: "https://example.isv.com/",
      kitName: "tenantSync",
      accessKey,
      body: KIT_TENANT_SYNC_BODY,
      timestamp,
      nonce,
    });
    assert.equal(request.url, "https://example.isv.com/produceAPI/v2/tenantSync");
    assert.equal(request.headers["x-sign"], "38CBAE1966BD0DDA38D86FE983AFD1824BFED4BD229FBDD3188DACD6A8566711");
    assert.equal(request.headers["x-timestamp"], timestamp);
    assert.equal(request.headers["x-nonce"], nonce);
    assert.equal(request.body, KIT_TENANT_SYNC_PAYLOAD);
    const rawBody = request.body ?? "";
    const verified = verifyKitSignature({
      accessKey,
      rawBody,
      body: JSON.parse(rawBody) as Record<string, unknown>,
      signature: request.headers["x-sign"],
      timestamp,
      nonce,
    });
    assert.equal(verified.ok, true);
  });
});

describe("buildV1GetRequest (protocol:test-vectors.md#v1-authtoken)", () => {
  const params = {
    activity: "newInstance",
    businessId: "61e834ba-7b97-4418-b8f7-e5345137278c",
    customerId: "68cbc86abc2018ab880d92f36422fa0e",
    expireTime: "20200727153156",
    orderId: "CS1906666666ABCDE",
    productId: "00301-666666-0--0",
    testFlag: "1",
  };

  it("reproduces the token and URL-encodes every value", () => {
    const request = buildV1GetRequest({ baseUrl: "https://example.isv.com/saas", accessKey, params, timeStamp: "20200727073711903" });
    assert.equal(request.method, "GET");
    assert.equal(
      request.url,
      "https://example.isv.com/saas?activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&" +
        "expireTime=20200727153156&orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903&" +
        "authToken=dJRqP6Ps%2BS0ePz3prequH%2BlxrvzfGtxqSDVDt7Yzty0%3D",
    );
  });

  it("signs raw values that the merchant sees after URL decoding", () => {
    const request = buildV1GetRequest({
      baseUrl: "https://example.isv.com/saas?x=1",
      accessKey,
      params: { ...params, saasExtendParams: "W3s+/==", customerName: "张 三&co" },
    });
    const decoded = Object.fromEntries(new URL(request.url).searchParams);
    assert.equal(decoded.customerName, "张 三&co");
    assert.ok(parseV1Timestamp(decoded.timeStamp ?? ""));
    const { x: _merchantOwn, authToken, ...signed } = decoded;
    assert.equal(verifyAuthToken(signed, accessKey, authToken), true);
  });

  it("keeps a timeStamp passed inside params", () => {
    const request = buildV1GetRequest({ baseUrl: "https://e.example/", accessKey, params: { ...params, timeStamp: "20200727073711903" } });
    assert.match(request.url, /authToken=dJRqP6Ps%2BS0ePz3prequH%2BlxrvzfGtxqSDVDt7Yzty0%3D$/);
  });
});

describe("buildKitV1Request", () => {
  it("puts a UTC+8 timeStamp in the body and the token in a header", () => {
    const request = buildKitV1Request({
      baseUrl: "https://example.isv.com",
      kitName: "authSync",
      accessKey,
      body: { instanceId: "", tenantId: "t1", appId: "a1", userList: '[{"userName":"u"}]', flag: 1, testFlag: 1, currentSyncTime: "20220420114117642" },
    });
    assert.equal(request.url, "https://example.isv.com/produceAPI/authSync");
    const body = JSON.parse(request.body ?? "") as Record<string, unknown>;
    const beijing = parseV1Timestamp(String(body.timeStamp), 480);
    assert.ok(beijing && Math.abs(beijing.getTime() - Date.now()) < 5_000);
    assert.equal(verifyAuthToken(authTokenParamsFromBody(body), accessKey, request.headers.authToken), true);
    assert.equal(verifyAuthToken(authTokenParamsFromBody({ ...body, flag: 0 }), accessKey, request.headers.authToken), false);
  });
});

describe("sendSignedRequest", () => {
  let baseUrl = "";
  const received: Array<{ method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }> = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url?.startsWith("/text")) {
        res.writeHead(500, { "content-type": "text/plain" }).end("oops");
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "body-sign": "sig" }).end('{"resultCode":"000000"}');
    });
  });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends method, headers and body and parses JSON answers", async () => {
    const request = buildKitV2Request({ baseUrl, kitName: "allOrgSync", accessKey, body: { tenantId: "t", orgInfoList: [] } });
    const response = await sendSignedRequest(request);
    assert.equal(response.status, 200);
    assert.deepEqual(response.json, { resultCode: "000000" });
    assert.equal(response.headers["body-sign"], "sig");
    const last = received.at(-1);
    assert.equal(last?.method, "POST");
    assert.equal(last?.url, "/produceAPI/v2/allOrgSync");
    assert.equal(last?.headers["x-sign"], request.headers["x-sign"]);
    assert.equal(last?.body, request.body);
  });

  it("leaves json undefined for non-JSON answers", async () => {
    const response = await sendSignedRequest(buildV1GetRequest({ baseUrl: `${baseUrl}/text`, accessKey, params: { activity: "queryInstance" } }));
    assert.equal(response.status, 500);
    assert.equal(response.bodyText, "oops");
    assert.equal(response.json, undefined);
    assert.equal(received.at(-1)?.method, "GET");
  });
});
