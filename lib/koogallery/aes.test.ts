import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decryptV1Field, deriveJavaAesKey, encryptTypeBits, encryptV1Field } from "./aes";
import { KooGalleryCryptoError } from "./errors";

const thirdPartyKey = "dc8c2cfb-f67c-4912-96ca-a9a9ce705ff4";

function assertCryptoError(fn: () => unknown, code: string) {
  assert.throws(fn, (error: unknown) => error instanceof KooGalleryCryptoError && error.code === code);
}

describe("deriveJavaAesKey (protocol:test-vectors.md#v1-aes)", () => {
  it("matches Java SHA1PRNG output", () => {
    assert.equal(deriveJavaAesKey("test-key", 256).toString("hex"), "094333ea655630b3e8b4c787ce983d200b7577cc4c4985003b22d97dbc5bf9cb");
    assert.equal(deriveJavaAesKey("test-key", 128).toString("hex"), "094333ea655630b3e8b4c787ce983d20");
  });

  it("rejects an empty key", () => {
    assertCryptoError(() => deriveJavaAesKey("", 256), "BAD_KEY");
  });
});

describe("encryptV1Field / decryptV1Field", () => {
  it("reproduces the Java ciphertext for a fixed IV", () => {
    assert.equal(encryptV1Field("hello", "test-key", "1", "abcdefghij123456"), "abcdefghij123456P+70ZWHPdJdg0GBejorsEA==");
    assert.equal(decryptV1Field("abcdefghij123456P+70ZWHPdJdg0GBejorsEA==", "test-key"), "hello");
  });

  it("decrypts the three real third-party ciphertexts", () => {
    assert.equal(decryptV1Field("417qN50K7TB7Y4merDAMxmo+h7gId8M7A+1jhw==", thirdPartyKey), "15528266072");
    assert.equal(decryptV1Field("9e9WV30tpF68dI52IqL7K3WVtxL+tVmskm0HSQKbgG0iywe+DNxAvCYFrTU=", thirdPartyKey), "15528266072@163.com");
    assert.equal(decryptV1Field("30xXRvwZ4cf69365hNwQMrzxAH4SQ8nNbl3U1g==", thirdPartyKey), "15528266072");
  });

  it("round-trips with random alphanumeric IVs in both key sizes", () => {
    for (const type of ["1", "2"] as const) {
      const cipherText = encryptV1Field("管理员 admin@example.com", "merchant-key", type);
      assert.match(cipherText.slice(0, 16), /^[0-9A-Za-z]{16}$/);
      assert.equal(decryptV1Field(cipherText, "merchant-key", type), "管理员 admin@example.com");
    }
    assert.notEqual(encryptV1Field("x", "k", "1"), encryptV1Field("x", "k", "1"));
  });

  it("keeps 128 and 256 apart", () => {
    const cipherText = encryptV1Field("secret-password", "merchant-key", "2", "0123456789abcdef");
    assert.notEqual(cipherText, encryptV1Field("secret-password", "merchant-key", "1", "0123456789abcdef"));
    assert.throws(() => decryptV1Field(cipherText, "merchant-key", "1"), KooGalleryCryptoError);
  });

  it("accepts a '+' that a form decoder turned into a space", () => {
    assert.equal(decryptV1Field("abcdefghij123456P 70ZWHPdJdg0GBejorsEA==", "test-key"), "hello");
  });

  it("throws typed errors on bad input", () => {
    assertCryptoError(() => decryptV1Field("", "test-key"), "BAD_CIPHERTEXT");
    assertCryptoError(() => decryptV1Field("abcdefghij123456", "test-key"), "BAD_CIPHERTEXT");
    assertCryptoError(() => decryptV1Field("abcdefghij123456!!!!", "test-key"), "BAD_CIPHERTEXT");
    assertCryptoError(() => decryptV1Field("abcdefghij123456AAAA", "test-key"), "BAD_CIPHERTEXT");
    assertCryptoError(() => decryptV1Field("ééééééééééééééééP+70ZWHPdJdg0GBejorsEA==", "test-key"), "BAD_IV");
    assertCryptoError(() => decryptV1Field("abcdefghij123456P+70ZWHPdJdg0GBejorsEA==", "wrong-key"), "DECRYPT_FAILED");
    assertCryptoError(() => decryptV1Field(undefined as unknown as string, "test-key"), "BAD_CIPHERTEXT");
    assertCryptoError(() => encryptV1Field("x", "k", "1", "short"), "BAD_IV");
    assertCryptoError(() => encryptV1Field("x", "", "1"), "BAD_KEY");
  });

  it("never puts the key or data in error messages", () => {
    try {
      decryptV1Field("abcdefghij123456P+70ZWHPdJdg0GBejorsEA==", "wrong-key");
      assert.fail("expected an error");
    } catch (error) {
      assert.ok(error instanceof KooGalleryCryptoError);
      assert.doesNotMatch(error.message, /wrong-key|P\+70ZW/);
    }
  });
});

describe("encryptTypeBits", () => {
  it("maps 2 to AES-128 and everything else to AES-256", () => {
    assert.equal(encryptTypeBits("2"), 128);
    assert.equal(encryptTypeBits(2), 128);
    assert.equal(encryptTypeBits(" 2 "), 128);
    for (const other of ["1", 1, undefined, null, "", "3", "abc"]) assert.equal(encryptTypeBits(other), 256, String(other));
  });
});
