import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { JavaNumber, formatJavaDouble, parseJsonWithJavaNumbers, renderJavaNumber } from "./java-json";

describe("formatJavaDouble", () => {
  it("matches Double.toString", () => {
    const cases: Array<[number, string]> = [
      [1, "1.0"],
      [12.78, "12.78"],
      [0.001, "0.001"],
      [0.0001, "1.0E-4"],
      [1e7, "1.0E7"],
      [9999999, "9999999.0"],
      [12345678.9, "1.23456789E7"],
      [1.5e-10, "1.5E-10"],
      [1e21, "1.0E21"],
      [-2.5, "-2.5"],
      [0, "0.0"],
      [-0, "-0.0"],
    ];
    for (const [value, expected] of cases) assert.equal(formatJavaDouble(value), expected, String(value));
  });
});

describe("renderJavaNumber", () => {
  it("keeps integers exact and renders fractions as Double", () => {
    assert.equal(renderJavaNumber("12345678901234567890"), "12345678901234567890");
    assert.equal(renderJavaNumber("-0"), "0");
    assert.equal(renderJavaNumber("1.0"), "1.0");
    assert.equal(renderJavaNumber("1e2"), "100.0");
    assert.equal(renderJavaNumber("12.780"), "12.78");
  });
});

describe("parseJsonWithJavaNumbers", () => {
  it("parses like JSON.parse but wraps numbers", () => {
    const tree = parseJsonWithJavaNumbers(' { "a" : [1, 2.0, "x\\n\\u00e9"], "b": {"c": null, "d": true, "e": false} } ');
    assert.deepEqual(tree, {
      a: [new JavaNumber("1"), new JavaNumber("2.0"), "x\né"],
      b: { c: null, d: true, e: false },
    });
  });

  it("keeps a __proto__ member as data", () => {
    const tree = parseJsonWithJavaNumbers('{"__proto__":{"polluted":1}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(tree), Object.prototype);
    assert.ok(Object.hasOwn(tree, "__proto__"));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("rejects what JSON.parse rejects", () => {
    for (const bad of ["", "{", '{"a":1,}', "[1,]", "{'a':1}", '{"a":01}', '{"a":1} x', '"\u0001"', "{a:1}", "[.5]"]) {
      assert.throws(() => parseJsonWithJavaNumbers(bad), SyntaxError, bad);
      assert.throws(() => JSON.parse(bad), SyntaxError, bad);
    }
  });
});
