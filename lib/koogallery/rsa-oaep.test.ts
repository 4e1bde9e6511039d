import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { KooGalleryCryptoError } from "./errors";
import { decryptClientSecret, encryptClientSecret, oaepVariants } from "./rsa-oaep";

// One 3072-bit key pair (the documented minimum) for the whole file; generation takes a moment.
const { publicKey, privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 3072,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const other = generateKeyPairSync("rsa", {
  modulusLength: 3072,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs1", format: "pem" },
});
const secret = "client-secret-Ünïcode-0123456789";

function isCryptoError(code: string) {
  return (error: unknown) => error instanceof KooGalleryCryptoError && error.code === code;
}

describe("encryptClientSecret / decryptClientSecret", () => {
  for (const variant of oaepVariants) {
    it(`round-trips ${variant} and reports the variant`, () => {
      const cipherText = encryptClientSecret(secret, publicKey, variant);
      assert.equal(Buffer.from(cipherText, "base64").length, 384);
      assert.deepEqual(decryptClientSecret(cipherText, privateKey), { plaintext: secret, variant });
    });
  }

  it("accepts a public key without BEGIN/END lines, as uploaded to the seller center", () => {
    const bare = publicKey.replace(/-----[A-Z ]+-----/g, "").replace(/\s+/g, "");
    const cipherText = encryptClientSecret(secret, bare, "sha256-mgf1sha1");
    assert.equal(decryptClientSecret(cipherText, privateKey).plaintext, secret);
  });

  it("accepts PKCS#1 private keys and base64url ciphertext", () => {
    const cipherText = encryptClientSecret(secret, other.publicKey, "sha1-mgf1sha1");
    const base64url = Buffer.from(cipherText, "base64").toString("base64url");
    assert.equal(decryptClientSecret(base64url, other.privateKey).plaintext, secret);
  });

  it("accepts hex ciphertext", () => {
    const hex = Buffer.from(encryptClientSecret(secret, publicKey, "sha256-mgf1sha256"), "base64").toString("hex");
    assert.equal(decryptClientSecret(hex, privateKey).plaintext, secret);
  });

  it("fails with a typed error listing the variants when no variant matches", () => {
    const cipherText = encryptClientSecret(secret, other.publicKey, "sha256-mgf1sha256");
    assert.throws(
      () => decryptClientSecret(cipherText, privateKey),
      (error: unknown) => {
        assert.ok(error instanceof KooGalleryCryptoError);
        assert.equal(error.code, "OAEP_NO_VARIANT");
        for (const variant of oaepVariants) assert.match(error.message, new RegExp(variant));
        assert.doesNotMatch(error.message, new RegExp(`${secret}|PRIVATE|${cipherText.slice(0, 20).replace(/[+/]/g, ".")}`));
        return true;
      },
    );
  });

  it("rejects malformed ciphertext and keys", () => {
    assert.throws(() => decryptClientSecret("not base64 !!", privateKey), isCryptoError("BAD_CIPHERTEXT"));
    assert.throws(() => decryptClientSecret(Buffer.alloc(100).toString("base64"), privateKey), isCryptoError("BAD_CIPHERTEXT"));
    assert.throws(() => decryptClientSecret(Buffer.alloc(384).toString("base64"), privateKey), isCryptoError("OAEP_NO_VARIANT"));
    assert.throws(() => decryptClientSecret("AAAA", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"), isCryptoError("BAD_PRIVATE_KEY"));
    assert.throws(() => encryptClientSecret(secret, "garbage", "sha1-mgf1sha1"), isCryptoError("BAD_PUBLIC_KEY"));
  });
});
