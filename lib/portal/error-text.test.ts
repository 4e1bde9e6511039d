import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_ERROR_TEXT, toDisplayError } from "./error-text";

describe("toDisplayError", () => {
  it("removes configured secrets and URL credentials", () => {
    const secret = "super-secret-access-key";
    const out = toDisplayError(`Error: call to https://admin:hunter22@backend.example/p failed with ${secret}`, [secret]);
    assert.equal(out, "Error: call to https://***@backend.example/p failed with ***");
  });

  it("cuts long texts and flattens control characters", () => {
    const out = toDisplayError(`Error:\n${"y".repeat(1000)}`, []) ?? "";
    assert.equal(out.length, MAX_ERROR_TEXT);
    assert.ok(out.endsWith("…"));
    assert.ok(!out.includes("\n"));
  });

  it("redacts before cutting, so no prefix of a secret survives at the end", () => {
    const secret = "s".repeat(20);
    const out = toDisplayError(`${"a".repeat(290)}${secret}`, [secret]) ?? "";
    assert.ok(!out.includes("ssss"), out);
  });

  it("passes empty values through as null", () => {
    assert.equal(toDisplayError(null, []), null);
    assert.equal(toDisplayError("", []), null);
  });
});
