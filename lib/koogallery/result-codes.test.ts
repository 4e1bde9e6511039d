import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { KIT_APP_SECRET_INVALID, ResultCode, defaultResultMessages, isResultCodeValue } from "./result-codes";

describe("ResultCode", () => {
  it("has the documented values", () => {
    assert.equal(ResultCode.SUCCESS, "000000");
    assert.equal(ResultCode.AUTH_FAILED, "000001");
    assert.equal(ResultCode.INVALID_PARAMS, "000002");
    assert.equal(ResultCode.INSTANCE_NOT_FOUND, "000003");
    assert.equal(ResultCode.IN_PROGRESS, "000004");
    assert.equal(ResultCode.INTERNAL_ERROR, "000005");
    assert.equal(ResultCode.NO_RESOURCE, "000100");
    assert.equal(ResultCode.EMAIL_DOMAIN_EXISTS, "000107");
    assert.equal(ResultCode.LICENSE_FINGERPRINT_REQUIRED, "000903");
  });

  it("has one six-digit code and a message per name", () => {
    const values = Object.values(ResultCode);
    assert.equal(new Set(values).size, values.length);
    for (const value of values) {
      assert.match(value, /^\d{6}$/);
      assert.ok(defaultResultMessages[value].length > 0);
    }
    assert.deepEqual(Object.keys(defaultResultMessages).sort(), [...values].sort());
  });
});

describe("isResultCodeValue", () => {
  it("recognises code values", () => {
    assert.equal(isResultCodeValue("000004"), true);
    assert.equal(isResultCodeValue("999999"), false);
    assert.equal(isResultCodeValue("toString"), false);
    assert.equal(KIT_APP_SECRET_INVALID.resultCode, ResultCode.MOBILE_INVALID_OR_EXISTS);
  });
});
