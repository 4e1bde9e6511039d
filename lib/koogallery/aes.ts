// V1 field encryption (protocol:encryption.md#v1-aes-fields, protocol:encryption.md#key-derivation): AES/CBC/PKCS5Padding with a key that
// Java derives by seeding SUN's SHA1PRNG with the merchant key, and a 16-character ASCII IV
// prepended in clear text.
import { createCipheriv, createDecipheriv, createHash, randomInt } from "node:crypto";
import { KooGalleryCryptoError } from "./errors";

export type AesBits = 128 | 256;
export type EncryptType = "1" | "2";

function sha1(data: Buffer): Buffer {
  return createHash("sha1").update(data).digest();
}

function toSigned(byte: number): number {
  return byte < 128 ? byte : byte - 256;
}

/**
 * Java: KeyGenerator("AES").init(bits, SecureRandom("SHA1PRNG") seeded with key.getBytes()).
 * SHA1PRNG seeded before first use is deterministic: state = SHA1(seed); each block is
 * SHA1(state), then state += block + 1 with Java's signed-byte carry (protocol:encryption.md#key-derivation).
 */
export function deriveJavaAesKey(keyString: string, bits: AesBits): Buffer {
  if (!keyString) throw new KooGalleryCryptoError("BAD_KEY", "AES key string is empty");
  const wanted = bits / 8;
  const state = sha1(Buffer.from(keyString, "utf8"));
  const blocks: Buffer[] = [];
  let produced = 0;
  while (produced < wanted) {
    const output = sha1(state);
    blocks.push(output);
    produced += output.length;
    let carry = 1;
    let changed = false;
    for (let i = 0; i < state.length; i += 1) {
      const current = state[i] ?? 0;
      const sum = toSigned(current) + toSigned(output[i] ?? 0) + carry;
      const next = sum & 0xff;
      if (current !== next) changed = true;
      state[i] = next;
      carry = sum >> 8;
    }
    if (!changed) state[0] = ((state[0] ?? 0) + 1) & 0xff;
  }
  return Buffer.concat(blocks).subarray(0, wanted);
}

/** encryptType "2" means AES-128; "1", absent or anything else means the default AES-256. */
export function encryptTypeBits(encryptType: string | number | null | undefined): AesBits {
  return String(encryptType ?? "").trim() === "2" ? 128 : 256;
}

const IV_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

export function generateAlphanumericIv(): string {
  let iv = "";
  for (let i = 0; i < 16; i += 1) iv += IV_ALPHABET[randomInt(IV_ALPHABET.length)];
  return iv;
}

function ivBytes(iv: string): Buffer {
  const bytes = Buffer.from(iv, "utf8");
  if (bytes.length !== 16) throw new KooGalleryCryptoError("BAD_IV", "IV must be 16 single-byte characters");
  return bytes;
}

/** Returns `iv + Base64(ciphertext)`; the IV is random unless a test pins it. */
export function encryptV1Field(plain: string, key: string, encryptType: EncryptType, iv?: string): string {
  const bits = encryptTypeBits(encryptType);
  const chosenIv = iv ?? generateAlphanumericIv();
  const cipher = createCipheriv(`aes-${bits}-cbc`, deriveJavaAesKey(key, bits), ivBytes(chosenIv));
  const encrypted = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return chosenIv + encrypted.toString("base64");
}

// Java's basic decoder does not insist on padding. A space can only be a '+' that a form
// decoder turned into a blank, so it is mapped back.
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function decryptV1Field(cipherText: string, key: string, encryptType: string = "1"): string {
  if (typeof cipherText !== "string" || cipherText.length <= 16) {
    throw new KooGalleryCryptoError("BAD_CIPHERTEXT", "ciphertext is shorter than the IV");
  }
  const iv = ivBytes(cipherText.slice(0, 16));
  const encoded = cipherText.slice(16).replace(/ /g, "+");
  if (!BASE64.test(encoded)) throw new KooGalleryCryptoError("BAD_CIPHERTEXT", "ciphertext is not Base64");
  const encrypted = Buffer.from(encoded, "base64");
  if (encrypted.length === 0 || encrypted.length % 16 !== 0) {
    throw new KooGalleryCryptoError("BAD_CIPHERTEXT", "ciphertext is not a whole number of AES blocks");
  }
  const bits = encryptTypeBits(encryptType);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv(`aes-${bits}-cbc`, deriveJavaAesKey(key, bits), iv);
    plain = Buffer.concat([decipher.update(encrypted), decipher.final()]);
  } catch (error) {
    if (error instanceof KooGalleryCryptoError) throw error;
    throw new KooGalleryCryptoError("DECRYPT_FAILED", "AES decryption failed (wrong key or corrupted data)");
  }
  try {
    // A wrong key passes the padding check about once in 256 tries; invalid UTF-8 exposes most.
    return new TextDecoder("utf-8", { fatal: true }).decode(plain);
  } catch {
    throw new KooGalleryCryptoError("DECRYPT_FAILED", "AES decryption produced invalid UTF-8");
  }
}
