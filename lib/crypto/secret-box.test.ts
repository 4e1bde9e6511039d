import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { openSecret, sealSecret, SecretBoxError } from "./secret-box";

const key = randomBytes(32);

test("a sealed secret opens with the same key and differs each time", () => {
  const a = sealSecret("pässwörd", key);
  const b = sealSecret("pässwörd", key);
  assert.notEqual(a, b);
  assert.equal(openSecret(a, key), "pässwörd");
  assert.ok(!a.includes("pässwörd"));
});

test("a wrong key or a tampered box is refused without detail", () => {
  const sealed = sealSecret("secret", key);
  assert.throws(() => openSecret(sealed, randomBytes(32)), SecretBoxError);
  const parts = sealed.split(".");
  parts[3] = Buffer.from("tampered").toString("base64url");
  assert.throws(() => openSecret(parts.join("."), key), SecretBoxError);
  assert.throws(() => openSecret("garbage", key), SecretBoxError);
});
