import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KooGalleryProtocolError } from "./errors";
import { decodeSaasExtendParams, encodeSaasExtendParams } from "./saas-extend-params";

// protocol:saas-interface.md#v1-upgrade upgrade example.
const example =
  "W3sibmFtZSI6ImlkTnVtIiwidmFsdWUiOiIzNTIyNTU1NTU1NTU2NTYifSx7Im5hbWUiOiJ1c2VyTmFtZSIsInZhbHVlIjoiaHVhd2VpMTIzIn0seyJuYW1lIjoiY3VzdEVtYWlsIiwidmFsdWUi" +
  "OiIxMjNAaHVhd2VpLmNvbSJ9XQ==";
const decoded = [
  { name: "idNum", value: "352255555555656" },
  { name: "userName", value: "huawei123" },
  { name: "custEmail", value: "123@huawei.com" },
];

function assertBadParams(value: string) {
  assert.throws(
    () => decodeSaasExtendParams(value),
    (error: unknown) => error instanceof KooGalleryProtocolError && error.code === "BAD_EXTEND_PARAMS",
    value,
  );
}

describe("decodeSaasExtendParams", () => {
  it("decodes the protocol:saas-interface.md#v1-upgrade example", () => {
    assert.deepEqual(decodeSaasExtendParams(example), decoded);
  });

  it("tolerates a value that is still URL-encoded", () => {
    assert.deepEqual(decodeSaasExtendParams(encodeURIComponent(example)), decoded);
  });

  it("tolerates base64url without padding", () => {
    const base64url = Buffer.from(JSON.stringify([{ name: "a?", value: "ü>>?" }]), "utf8").toString("base64url");
    assert.match(base64url, /[-_]/);
    assert.deepEqual(decodeSaasExtendParams(base64url), [{ name: "a?", value: "ü>>?" }]);
  });

  it("tolerates '+' turned into a space", () => {
    const encoded = encodeSaasExtendParams([{ name: "x", value: "ü>>>" }]);
    assert.match(encoded, /\+/);
    assert.deepEqual(decodeSaasExtendParams(encoded.replace(/\+/g, " ")), [{ name: "x", value: "ü>>>" }]);
  });

  it("keeps numeric values as text and returns [] for an empty value", () => {
    const encoded = Buffer.from('[{"name":"n","value":5}]').toString("base64");
    assert.deepEqual(decodeSaasExtendParams(encoded), [{ name: "n", value: "5" }]);
    assert.deepEqual(decodeSaasExtendParams(""), []);
  });

  it("throws a typed error on garbage", () => {
    assertBadParams("!!!not base64!!!");
    assertBadParams("%E0%A4%A");
    assertBadParams(Buffer.from("not json").toString("base64"));
    assertBadParams(Buffer.from('{"name":"a","value":"b"}').toString("base64"));
    assertBadParams(Buffer.from('[{"name":"a"}]').toString("base64"));
    assertBadParams(Buffer.from([0xff, 0xfe, 0x5b]).toString("base64"));
  });

  it("does not echo the value in its message", () => {
    try {
      decodeSaasExtendParams("SECRETSECRET!!");
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(error instanceof Error);
      assert.doesNotMatch(error.message, /SECRET/);
    }
  });
});

describe("encodeSaasExtendParams", () => {
  it("reproduces the protocol:saas-interface.md#v1-upgrade example byte for byte", () => {
    assert.equal(encodeSaasExtendParams(decoded), example);
  });

  it("round-trips non-ASCII values", () => {
    const list = [{ name: "emailDomainName", value: "测试.example.com" }];
    assert.deepEqual(decodeSaasExtendParams(encodeSaasExtendParams(list)), list);
  });
});
