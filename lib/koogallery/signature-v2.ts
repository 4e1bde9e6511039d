// V2 request signatures (protocol:signatures.md#v2-basic-signature basic interfaces, protocol:signatures.md#kit-x-sign joint-operation Kit) and the
// freshness window of protocol:signatures.md#freshness-and-replay.
import { createHmac } from "node:crypto";
import { iterateCandidatePayloads, type CandidateForm } from "./canonical-json";
import { safeEqualIgnoreCase } from "./constant-time";
import { KooGalleryProtocolError } from "./errors";

export interface SignatureInput {
  accessKey: string;
  payload: string;
  timestamp: string;
  nonce: string;
}

export interface VerifyInput {
  accessKey: string;
  rawBody: string;
  /** The parsed body, or how to get it: large bodies try the raw form before anything is parsed. */
  body: Record<string, unknown> | (() => Record<string, unknown> | undefined);
  /** A large body is checked against its raw form only (a sender over its refusal budget). */
  isRawOnlyWhenLarge?: boolean;
  signature: string | null | undefined;
  timestamp: string;
  nonce: string;
}

export type VerifyResult = { ok: true; form: CandidateForm } | { ok: false; reason: "missing-key" | "missing-signature" | "mismatch" };

function hmacHex(key: string, data: string): string {
  return createHmac("sha256", key).update(data, "utf8").digest("hex");
}

function requireKey(accessKey: string): void {
  // An empty HMAC key still produces a valid-looking signature; refuse rather than sign.
  if (!accessKey) throw new KooGalleryProtocolError("MISSING_KEY", "access key is empty");
}

/** The inner lower-hex HMAC of the basic-interface payload (exposed for debugging tools). */
export function computeBasicPayloadHash(accessKey: string, payload: string): string {
  requireKey(accessKey);
  return hmacHex(accessKey, payload);
}

/** Basic interfaces: inner lower-hex HMAC of the payload, outer upper-hex like the examples. */
export function computeBasicSignature({ accessKey, payload, timestamp, nonce }: SignatureInput): string {
  const inner = computeBasicPayloadHash(accessKey, payload);
  return hmacHex(accessKey, accessKey + nonce + timestamp + inner).toUpperCase();
}

/** Kit interfaces concatenate the payload itself; there is no inner HMAC. */
export function computeKitSignature({ accessKey, payload, timestamp, nonce }: SignatureInput): string {
  requireKey(accessKey);
  return hmacHex(accessKey, accessKey + nonce + timestamp + payload).toUpperCase();
}

function verifyAgainstCandidates(input: VerifyInput, compute: (payload: string) => string): VerifyResult {
  if (!input.accessKey) return { ok: false, reason: "missing-key" };
  if (!input.signature) return { ok: false, reason: "missing-signature" };
  const received = input.signature;
  // Stops at the first match: which canonical form the sender used is not a
  // secret (it is in the callback log), and the rarer forms cost every call.
  for (const { form, payload } of iterateCandidatePayloads(input.rawBody, input.body, { isRawOnlyWhenLarge: input.isRawOnlyWhenLarge })) {
    if (safeEqualIgnoreCase(compute(payload), received)) return { ok: true, form };
  }
  return { ok: false, reason: "mismatch" };
}

export function verifyBasicSignature(input: VerifyInput): VerifyResult {
  const { accessKey, timestamp, nonce } = input;
  return verifyAgainstCandidates(input, (payload) => computeBasicSignature({ accessKey, payload, timestamp, nonce }));
}

export function verifyKitSignature(input: VerifyInput): VerifyResult {
  const { accessKey, timestamp, nonce } = input;
  return verifyAgainstCandidates(input, (payload) => computeKitSignature({ accessKey, payload, timestamp, nonce }));
}

export type TimestampCheck = { ok: true; skewMs: number; ms: number } | { ok: false; reason: "missing" | "malformed" | "stale" | "future"; skewMs?: number };

/**
 * Accepts 13-digit milliseconds (every example) and 10-digit seconds (some pages say 秒),
 * and applies the window on both sides (protocol:signatures.md#v2-basic-signature: 相差不超过60s). skewMs = now − ts.
 */
export function checkTimestamp(ts: string | null | undefined, nowMs: number, windowMs = 60_000): TimestampCheck {
  if (ts === null || ts === undefined || ts === "") return { ok: false, reason: "missing" };
  let ms: number;
  if (/^\d{13}$/.test(ts)) ms = Number(ts);
  else if (/^\d{10}$/.test(ts)) ms = Number(ts) * 1000;
  else return { ok: false, reason: "malformed" };
  const skewMs = nowMs - ms;
  if (skewMs > windowMs) return { ok: false, reason: "stale", skewMs };
  if (skewMs < -windowMs) return { ok: false, reason: "future", skewMs };
  return { ok: true, skewMs, ms };
}
