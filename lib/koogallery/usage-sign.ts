// Usage-push body signature (protocol:signatures.md#usage-push-signature): Base64(HMAC-SHA256(basic-interface key,
// "ts={ts}&nonce={nonce}&body={body}")), sent as headers signature/ts/nonce next to AK/SK.
import { createHmac, randomUUID } from "node:crypto";
import { writeJacksonJson } from "./canonical-json";
import { KooGalleryProtocolError } from "./errors";

export interface UsageSignatureInput {
  key: string;
  ts: string;
  nonce: string;
  /** Exactly the bytes that will be sent; sign and send the same string. */
  body: string;
}

export function computeUsageSignature({ key, ts, nonce, body }: UsageSignatureInput): string {
  if (!key) throw new KooGalleryProtocolError("MISSING_KEY", "usage-push key is empty");
  return createHmac("sha256", key).update(`ts=${ts}&nonce=${nonce}&body=${body}`, "utf8").digest("base64");
}

/**
 * "body 按自然排序后参与签名": sorting at every level satisfies both readings of the doc
 * (top level only, or recursive), as long as this exact string is also what is sent.
 */
export function serializeUsageBody(body: Record<string, unknown>): string {
  return writeJacksonJson(body, Number.POSITIVE_INFINITY);
}

export interface UsageSignedBody {
  body: string;
  headers: { signature: string; ts: string; nonce: string };
}

export function signUsageBody(key: string, body: Record<string, unknown>, options: { ts?: string; nonce?: string } = {}): UsageSignedBody {
  const serialized = serializeUsageBody(body);
  const ts = options.ts ?? String(Date.now());
  const nonce = options.nonce ?? randomUUID();
  return { body: serialized, headers: { signature: computeUsageSignature({ key, ts, nonce, body: serialized }), ts, nonce } };
}
