import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KooGalleryProtocolError } from "./errors";
import { computeUsageSignature, serializeUsageBody, signUsageBody } from "./usage-sign";

const key = "demo-access-key-0123456789";

describe("computeUsageSignature (protocol:test-vectors.md#usage-push)", () => {
  it("signs the body as written", () => {
    const body =
      '{"usage_records":[{"instance_id":"7f141bf1-aec8-4859-8323-fb3a8ad50721","record_time":"20220809T091000Z","begin_time":"20220809T080000Z",' +
      '"end_time":"20220809T090000Z","usage_value":"99","metering_sn":"sn-0001"}]}';
    assert.equal(
      computeUsageSignature({ key, ts: "1709690865879", nonce: "6c63c221-1f6b-4141-8ff4-22f5dfe82b65", body }),
      "9jQEUfz0KVfpG7JwZ++gbfIDDKyihJfGn9VZfnqd5jI=",
    );
  });

  it("refuses an empty key", () => {
    assert.throws(() => computeUsageSignature({ key: "", ts: "1", nonce: "n", body: "{}" }), KooGalleryProtocolError);
  });
});

describe("serializeUsageBody", () => {
  it("sorts keys at every level", () => {
    const body = { usage_records: [{ usage_value: "99", instance_id: "i", begin_time: "b" }] };
    assert.equal(serializeUsageBody(body), '{"usage_records":[{"begin_time":"b","instance_id":"i","usage_value":"99"}]}');
  });
});

describe("signUsageBody", () => {
  it("signs exactly the string it returns for sending", () => {
    const signed = signUsageBody(key, { usage_records: [{ b: 1, a: 2 }] }, { ts: "1709690865879", nonce: "n-1" });
    assert.equal(signed.body, '{"usage_records":[{"a":2,"b":1}]}');
    assert.deepEqual(signed.headers, {
      ts: "1709690865879",
      nonce: "n-1",
      signature: computeUsageSignature({ key, ts: "1709690865879", nonce: "n-1", body: signed.body }),
    });
  });

  it("fills ts and a UUID nonce", () => {
    const signed = signUsageBody(key, {});
    assert.match(signed.headers.ts, /^\d{13}$/);
    assert.match(signed.headers.nonce, /^[0-9a-f-]{36}$/);
  });
});
