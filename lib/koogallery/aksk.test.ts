import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeRfc3986, formatSdkDate, signApigRequest } from "./aksk";
import { KooGalleryProtocolError } from "./errors";

const url = "https://mkt.myhuaweicloud.com/api/mkp-openapi-public/global/v1/license/activate";
const expectedAuthorization =
  "SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-sdk-date;x-stage, Signature=77595ad624b6e4e49990b8c4e84bf1c287457fca61069c4e60b9b6765b52053d";

describe("signApigRequest (protocol:signatures.md#aksk-signature vector)", () => {
  it("reproduces the signature with X-Sdk-Date given as a header", () => {
    const headers = { "Content-Type": "application/json", "X-Sdk-Date": "20240317T144237Z", "x-stage": "RELEASE" };
    assert.deepEqual(signApigRequest({ method: "POST", url, headers, body: "", ak: "AK", sk: "123" }), {
      "X-Sdk-Date": "20240317T144237Z",
      Host: "mkt.myhuaweicloud.com",
      Authorization: expectedAuthorization,
    });
  });

  it("reproduces it from a date, an explicit Host, a default port or a trailing slash", () => {
    const date = new Date("2024-03-17T14:42:37Z");
    const headers = { "Content-Type": "application/json", "x-stage": "RELEASE" };
    const sign = (input: Partial<Parameters<typeof signApigRequest>[0]>) =>
      signApigRequest({ method: "post", url, headers, ak: "AK", sk: "123", date, ...input }).Authorization;
    assert.equal(sign({}), expectedAuthorization);
    assert.equal(sign({ headers: { ...headers, Host: "mkt.myhuaweicloud.com" } }), expectedAuthorization);
    assert.equal(sign({ url: url.replace(".com/", ".com:443/") }), expectedAuthorization);
    assert.equal(sign({ url: `${url}/` }), expectedAuthorization);
  });

  it("does not depend on query order and does depend on body, method and SK", () => {
    const base = { method: "GET", headers: {}, ak: "AK", sk: "SK", date: new Date("2024-01-01T00:00:00Z") };
    const a = signApigRequest({ ...base, url: "https://h.example/p?orderId=CS1&orderLineId=CS1-000001" }).Authorization;
    const b = signApigRequest({ ...base, url: "https://h.example/p?orderLineId=CS1-000001&orderId=CS1" }).Authorization;
    assert.equal(a, b);
    assert.notEqual(a, signApigRequest({ ...base, url: "https://h.example/p?orderId=CS2&orderLineId=CS1-000001" }).Authorization);
    assert.notEqual(a, signApigRequest({ ...base, method: "POST", url: "https://h.example/p?orderId=CS1&orderLineId=CS1-000001" }).Authorization);
    assert.notEqual(a, signApigRequest({ ...base, sk: "SK2", url: "https://h.example/p?orderId=CS1&orderLineId=CS1-000001" }).Authorization);
    const withBody = signApigRequest({ ...base, body: "{}", url: "https://h.example/p?orderId=CS1&orderLineId=CS1-000001" });
    assert.notEqual(a, withBody.Authorization);
  });

  it("refuses an empty AK or SK", () => {
    assert.throws(() => signApigRequest({ method: "GET", url, ak: "", sk: "x" }), KooGalleryProtocolError);
    assert.throws(() => signApigRequest({ method: "GET", url, ak: "x", sk: "" }), KooGalleryProtocolError);
  });
});

describe("helpers", () => {
  it("encodes per RFC 3986 and formats the SDK date", () => {
    assert.equal(encodeRfc3986("a b*!'()~-_.é/"), "a%20b%2A%21%27%28%29~-_.%C3%A9%2F");
    assert.equal(formatSdkDate(new Date("2016-06-29T10:14:59.123Z")), "20160629T101459Z");
  });
});
