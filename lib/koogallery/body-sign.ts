// V1 response signature header Body-Sign (protocol:signatures.md#body-sign-on-answers): Base64(HMAC-SHA256(Key, body bytes)).
import { createHmac } from "node:crypto";
import { safeEqual } from "./constant-time";
import { KooGalleryProtocolError } from "./errors";

export function computeBodySign(key: string, body: string | Uint8Array): string {
  if (!key) throw new KooGalleryProtocolError("MISSING_KEY", "V1 key is empty");
  const hmac = createHmac("sha256", key);
  if (typeof body === "string") hmac.update(body, "utf8");
  else hmac.update(body);
  return hmac.digest("base64");
}

/** Byte-for-byte the documented format, including the space after `signature=`. */
export function formatBodySignHeader(signature: string): string {
  return `sign_type="HMAC-SHA256", signature= "${signature}"`;
}

export interface BodySignHeader {
  signType: string;
  signature: string;
}

/** Tolerates any whitespace around `=` and `,`, since third-party senders vary. */
export function parseBodySignHeader(header: string | null | undefined): BodySignHeader | null {
  if (!header) return null;
  const match = /^\s*sign_type\s*=\s*"([^"]*)"\s*,\s*signature\s*=\s*"([^"]*)"\s*$/.exec(header);
  if (!match) return null;
  return { signType: match[1] ?? "", signature: match[2] ?? "" };
}

export function verifyBodySign(key: string, body: string | Uint8Array, header: string | null | undefined): boolean {
  const parsed = parseBodySignHeader(header);
  if (!parsed || !key || parsed.signType.toUpperCase() !== "HMAC-SHA256") return false;
  return safeEqual(computeBodySign(key, body), parsed.signature);
}
