// Signing what we send to the merchant's own application (the provisioning
// call today, lifecycle events next) the Standard Webhooks way
// (https://www.standardwebhooks.com): headers `webhook-id` (stable across
// retries of one message), `webhook-timestamp` (Unix seconds) and
// `webhook-signature` (`v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`,
// space-separated when several secrets are valid during a rotation). Signed
// with node:crypto's HMAC: the reference library (`standardwebhooks`, what
// receivers use to verify) computes the same bytes in JavaScript at several
// times the CPU, which every event delivery paid. The tests hold our
// signatures to the specification's vector and to that library's verifier.
import { createHmac, createSecretKey, randomBytes, type KeyObject } from "node:crypto";

export type SignedHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

const SECRET_PREFIX = "whsec_";
/** The spec's bounds on a secret's key: 24 to 64 random bytes. */
const MIN_KEY_BYTES = 24;
const MAX_KEY_BYTES = 64;

/** A new secret: `whsec_` + base64 of 32 random bytes. */
export function generateWebhookSecret(keyBytes = 32): string {
  return `${SECRET_PREFIX}${randomBytes(keyBytes).toString("base64")}`;
}

/** Whether a value is a Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes). */
export function isWebhookSecret(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false;
  const base64 = value.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return false;
  const bytes = Buffer.from(base64, "base64").length;
  return bytes >= MIN_KEY_BYTES && bytes <= MAX_KEY_BYTES;
}

/**
 * The HMAC key of a secret: the decoded bytes of a `whsec_` secret; any other
 * value (a plain PROVISIONING_HTTP_SECRET of an older install) as its UTF-8
 * bytes, which a receiver passes as a raw key.
 */
function keyOf(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(isWebhookSecret(secret) ? Buffer.from(secret.slice(SECRET_PREFIX.length), "base64") : Buffer.from(secret, "utf8"));
    // Secrets are few (one per endpoint, two during a rotation): a full cache means something churns them, so start over.
    if (keys.size >= MAX_CACHED_KEYS) keys.clear();
    keys.set(secret, key);
  }
  return key;
}

/** Decoded keys by secret: every delivery to an endpoint signs with the same one, decoded once. */
const keys = new Map<string, KeyObject>();
const MAX_CACHED_KEYS = 256;

/** The three headers for one delivery of a message; every secret given signs (rotation). */
export function signWebhook(secrets: readonly string[], id: string, body: string, at: Date = new Date()): SignedHeaders {
  if (secrets.length === 0) throw new Error("a webhook needs at least one secret to be signed");
  // The timestamp header is whole seconds; the signature must cover exactly that value.
  const seconds = Math.floor(at.getTime() / 1000);
  const signature = secrets.map((secret) => `v1,${createHmac("sha256", keyOf(secret)).update(`${id}.${seconds}.`).update(body).digest("base64")}`).join(" ");
  return { "webhook-id": id, "webhook-timestamp": String(seconds), "webhook-signature": signature };
}
