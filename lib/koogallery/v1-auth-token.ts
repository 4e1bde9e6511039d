// V1 authToken (protocol:signatures.md#v1-authtoken): Base64(HMAC-SHA256(key + timeStamp, sorted "k=v&…")) over the
// URL-decoded parameters (GET) or top-level body fields (V1 Kit POST).
import { createHmac } from "node:crypto";
import { writeJacksonJson } from "./canonical-json";
import { safeEqual } from "./constant-time";
import { KooGalleryProtocolError } from "./errors";

export function buildAuthTokenString(params: Record<string, string>): string {
  // Default sort = UTF-16 code unit order = Java TreeMap<String, …>.
  return Object.keys(params)
    .filter((name) => name !== "authToken")
    .sort()
    .map((name) => `${name}=${params[name] ?? ""}`)
    .join("&");
}

export function computeAuthToken(params: Record<string, string>, key: string): string {
  if (!key) throw new KooGalleryProtocolError("MISSING_KEY", "V1 key is empty");
  const timeStamp = params.timeStamp;
  if (!timeStamp) throw new KooGalleryProtocolError("MISSING_TIMESTAMP", "timeStamp parameter is missing");
  return createHmac("sha256", key + timeStamp)
    .update(buildAuthTokenString(params), "utf8")
    .digest("base64");
}

/** Exact (case-sensitive) comparison, as Base64 is; false rather than throwing on bad input. */
export function verifyAuthToken(params: Record<string, string>, key: string, token: string | null | undefined): boolean {
  if (!token || !key || !params.timeStamp) return false;
  return safeEqual(computeAuthToken(params, key), token);
}

/**
 * V1 Kit bodies carry non-string values (`flag: 1`); the token uses their textual form.
 * Nested objects/arrays are rendered as compact JSON in received order (V1 sends userList and
 * orgInfo as strings anyway, so this only matters for unexpected shapes).
 */
export function authTokenParamsFromBody(body: Record<string, unknown>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [name, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    params[name] = typeof value === "string" ? value : writeJacksonJson(value);
  }
  return params;
}

const V1_TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})$/;

/**
 * Parses `yyyyMMddHHmmssSSS`. V1 basic interfaces send UTC; the V1 Kit sends UTC+8, so pass
 * utcOffsetMinutes = 480 for those. Returns null for malformed or impossible dates.
 */
export function parseV1Timestamp(s: string, utcOffsetMinutes = 0): Date | null {
  const match = V1_TIMESTAMP.exec(s);
  if (!match) return null;
  const [year, month, day, hour, minute, second, milli] = match.slice(1).map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const date = new Date(ms);
  // Date.UTC silently rolls 2023-02-30 over to March; a round trip catches that.
  if (formatV1Timestamp(date) !== s) return null;
  return new Date(ms - utcOffsetMinutes * 60_000);
}

export function formatV1Timestamp(d: Date, utcOffsetMinutes = 0): string {
  const shifted = new Date(d.getTime() + utcOffsetMinutes * 60_000);
  const pad = (n: number, width = 2) => String(n).padStart(width, "0");
  return (
    pad(shifted.getUTCFullYear(), 4) +
    pad(shifted.getUTCMonth() + 1) +
    pad(shifted.getUTCDate()) +
    pad(shifted.getUTCHours()) +
    pad(shifted.getUTCMinutes()) +
    pad(shifted.getUTCSeconds()) +
    pad(shifted.getUTCMilliseconds(), 3)
  );
}
