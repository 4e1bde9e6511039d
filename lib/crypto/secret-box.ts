// Secrets at rest (initial passwords, client secrets, sealed raw requests):
// AES-256-GCM under PORTAL_ENCRYPTION_KEY. Format `v1.<iv>.<tag>.<ciphertext>`
// in base64url, so a future key rotation can add `v2`.
import { createCipheriv, createDecipheriv, randomFillSync } from "node:crypto";

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

const IV_BYTES = 12;
// IVs are cut from a pool filled by the CSPRNG 4 KiB at a time, never reused
// (as Node does for randomUUID): each randomBytes(12) is a native job of its
// own, and sealing runs twice per callback (the request, the initial password).
const ivPool = Buffer.alloc(IV_BYTES * 341);
let ivOffset = ivPool.length;

function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

export function sealSecret(plain: string, key: Buffer): string {
  const iv = nextIv();
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ct.toString("base64url")].join(".");
}

export function openSecret(sealed: string, key: Buffer): string {
  const [version, iv, tag, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || ct === undefined) throw new SecretBoxError("not a sealed secret");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(ct, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    // Never say more: a wrong key and a tampered box look the same.
    throw new SecretBoxError("sealed secret cannot be opened with this PORTAL_ENCRYPTION_KEY");
  }
}
