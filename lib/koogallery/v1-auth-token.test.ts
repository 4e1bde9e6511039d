import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KooGalleryProtocolError } from "./errors";
import { authTokenParamsFromBody, buildAuthTokenString, computeAuthToken, formatV1Timestamp, parseV1Timestamp, verifyAuthToken } from "./v1-auth-token";

const key = "demo-access-key-0123456789";
// protocol:saas-interface.md#v1-newinstance example parameters, deliberately not in sorted order.
const params: Record<string, string> = {
  timeStamp: "20200727073711903",
  testFlag: "1",
  productId: "00301-666666-0--0",
  orderId: "CS1906666666ABCDE",
  expireTime: "20200727153156",
  customerId: "68cbc86abc2018ab880d92f36422fa0e",
  businessId: "61e834ba-7b97-4418-b8f7-e5345137278c",
  activity: "newInstance",
};
const token = "dJRqP6Ps+S0ePz3prequH+lxrvzfGtxqSDVDt7Yzty0=";

describe("computeAuthToken (protocol:test-vectors.md#v1-authtoken)", () => {
  it("builds the sorted string and the token", () => {
    assert.equal(
      buildAuthTokenString(params),
      "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&" +
        "orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1&timeStamp=20200727073711903",
    );
    assert.equal(computeAuthToken(params, key), token);
  });

  it("ignores an authToken parameter", () => {
    assert.equal(computeAuthToken({ ...params, authToken: "anything" }, key), token);
  });

  it("sorts by UTF-16 code unit (upper case before lower case)", () => {
    assert.equal(buildAuthTokenString({ b: "1", a: "2", Z: "3", timeStamp: "t" }), "Z=3&a=2&b=1&timeStamp=t");
  });

  it("needs a key and a timeStamp", () => {
    assert.throws(() => computeAuthToken(params, ""), KooGalleryProtocolError);
    const { timeStamp: _omitted, ...withoutTimeStamp } = params;
    assert.throws(() => computeAuthToken(withoutTimeStamp, key), KooGalleryProtocolError);
  });
});

describe("verifyAuthToken", () => {
  it("accepts the right token", () => {
    assert.equal(verifyAuthToken({ ...params, authToken: token }, key, token), true);
  });

  it("rejects tampering, case changes and missing parts without throwing", () => {
    assert.equal(verifyAuthToken({ ...params, testFlag: "0" }, key, token), false);
    assert.equal(verifyAuthToken({ ...params, extra: "" }, key, token), false);
    assert.equal(verifyAuthToken(params, key, token.toLowerCase()), false);
    assert.equal(verifyAuthToken(params, "other-key", token), false);
    assert.equal(verifyAuthToken(params, key, undefined), false);
    assert.equal(verifyAuthToken(params, "", token), false);
    const { timeStamp: _omitted, ...withoutTimeStamp } = params;
    assert.equal(verifyAuthToken(withoutTimeStamp, key, token), false);
  });

  it("uses the decoded value of encrypted fields (ciphertext, not plaintext)", () => {
    const withPhone = { ...params, mobilePhone: "abcdefghij123456P+70ZWHPdJdg0GBejorsEA==" };
    const withPhoneToken = computeAuthToken(withPhone, key);
    const decoded = Object.fromEntries(new URLSearchParams(`mobilePhone=${encodeURIComponent(withPhone.mobilePhone)}`));
    assert.equal(verifyAuthToken({ ...params, ...decoded }, key, withPhoneToken), true);
  });
});

describe("authTokenParamsFromBody", () => {
  it("renders values as text and drops nulls", () => {
    const body = {
      flag: 1,
      testFlag: 0,
      amount: 12.5,
      enabled: true,
      name: "x",
      userList: '[{"userName":"a"}]',
      nested: { b: 1, a: "\n" },
      list: [1, "a"],
      gone: null,
      missing: undefined,
    };
    assert.deepEqual(authTokenParamsFromBody(body), {
      flag: "1",
      testFlag: "0",
      amount: "12.5",
      enabled: "true",
      name: "x",
      userList: '[{"userName":"a"}]',
      nested: '{"b":1,"a":"\\n"}',
      list: '[1,"a"]',
    });
  });

  it("signs a V1 Kit body as flag=1", () => {
    const body = { tenantId: "t1", flag: 1, testFlag: 1, timeStamp: "20220420114117642" };
    assert.equal(buildAuthTokenString(authTokenParamsFromBody(body)), "flag=1&tenantId=t1&testFlag=1&timeStamp=20220420114117642");
  });
});

describe("V1 timestamps", () => {
  it("parses yyyyMMddHHmmssSSS as UTC", () => {
    assert.equal(parseV1Timestamp("20200727073711903")?.toISOString(), "2020-07-27T07:37:11.903Z");
  });

  it("parses with a UTC+8 offset for the V1 Kit", () => {
    assert.equal(parseV1Timestamp("20220420114117642", 480)?.toISOString(), "2022-04-20T03:41:17.642Z");
  });

  it("rejects malformed and impossible values", () => {
    for (const bad of ["", "2020072707371190", "202007270737119031", "2020O727073711903", "20201327073711903", "20230230000000000", "20200727250000000"]) {
      assert.equal(parseV1Timestamp(bad), null, bad);
    }
  });

  it("formats in UTC or with an offset and round-trips", () => {
    const date = new Date("2022-04-20T03:41:17.642Z");
    assert.equal(formatV1Timestamp(date), "20220420034117642");
    assert.equal(formatV1Timestamp(date, 480), "20220420114117642");
    assert.equal(parseV1Timestamp(formatV1Timestamp(date))?.getTime(), date.getTime());
    assert.equal(formatV1Timestamp(new Date("2020-01-02T03:04:05.006Z")), "20200102030405006");
  });
});
