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

describe("redaction for readers", () => {
  it("removes the whole user:password, also when the password holds an @", async () => {
    const { redactText } = await import("./error-text");
    assert.equal(redactText("GET https://u:p@ss@host.example/x?y=a@b failed", []), "GET https://***@host.example/x?y=a@b failed");
    assert.equal(redactText("postgres://svc:pw@db:5432/app and https://plain.example/a@b", []), "postgres://***@db:5432/app and https://plain.example/a@b");
  });

  it("gives tenant admins a generic sentence for errors and for the error part of a handler note", async () => {
    const { errorTextFor, handlerNoteFor, STAFF_ONLY_ERROR } = await import("./error-text");
    const staff = { isStaff: true, secrets: ["a-configured-secret"] };
    const admin = { isStaff: false, secrets: ["a-configured-secret"] };
    assert.equal(errorTextFor("HTTP 500 from https://a:b@backend with a-configured-secret", staff), "HTTP 500 from https://***@backend with ***");
    assert.equal(errorTextFor("HTTP 500 from https://a:b@backend", admin), STAFF_ONLY_ERROR);
    assert.equal(errorTextFor(null, admin), null);
    assert.equal(handlerNoteFor("internal error: TypeError: x at https://a:b@h", admin), STAFF_ONLY_ERROR);
    assert.equal(handlerNoteFor("internal error: TypeError: x at https://a:b@h", staff), "internal error: TypeError: x at https://***@h");
    assert.equal(
      handlerNoteFor("repeat: no effect; provisioning had failed: Error: 502", admin),
      "repeat: no effect; provisioning had failed (merchant staff can see why)",
    );
    assert.equal(handlerNoteFor("tenant marked deleted", admin), "tenant marked deleted");
  });
});
