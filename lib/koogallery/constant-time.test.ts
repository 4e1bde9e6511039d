import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { safeEqual, safeEqualIgnoreCase } from "./constant-time";

describe("safeEqual", () => {
  it("is true only for identical strings", () => {
    assert.equal(safeEqual("abc", "abc"), true);
    assert.equal(safeEqual("abc", "abd"), false);
    assert.equal(safeEqual("", ""), true);
    assert.equal(safeEqual("张三", "张三"), true);
  });

  it("does not throw when lengths differ", () => {
    assert.equal(safeEqual("short", "a much longer string"), false);
    assert.equal(safeEqual("", "x"), false);
  });

  it("is case-sensitive (Base64 tokens)", () => {
    assert.equal(safeEqual("AbC=", "abc="), false);
  });

  it("treats non-strings from untyped input as unequal", () => {
    assert.equal(safeEqual(undefined as unknown as string, "x"), false);
    assert.equal(safeEqual(null as unknown as string, null as unknown as string), false);
  });
});

describe("safeEqualIgnoreCase", () => {
  it("matches hex regardless of case", () => {
    assert.equal(safeEqualIgnoreCase("BAF60A79", "baf60a79"), true);
    assert.equal(safeEqualIgnoreCase("BAF60A79", "baf60a7a"), false);
    assert.equal(safeEqualIgnoreCase("BAF6", "baf60a79"), false);
  });
});
