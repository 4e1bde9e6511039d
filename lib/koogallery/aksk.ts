// Huawei API Gateway AK/SK signing, SDK-HMAC-SHA256 (protocol:signatures.md#aksk-signature), for the
// outbound Open API calls (order query, usage push, file upload, license activate).
import { createHash, createHmac } from "node:crypto";
import { KooGalleryProtocolError } from "./errors";

const ALGORITHM = "SDK-HMAC-SHA256";

export interface ApigSignInput {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  ak: string;
  sk: string;
  /** Signing time; ignored when headers already carry X-Sdk-Date. Defaults to now. */
  date?: Date;
  /**
   * The query string exactly as the request line carries it, built with
   * `encodeQuery`: signed as given. Without it the query is read back from `url`
   * (where a `+` would be read as a space, unlike the gateway does).
   */
  query?: string;
}

export interface ApigSignedHeaders {
  "X-Sdk-Date": string;
  Host: string;
  Authorization: string;
}

/** RFC 3986: everything but unreserved characters is percent-encoded. */
export function encodeRfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function formatSdkDate(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

// The gateway always signs the path with a trailing slash, even when the request has none.
function canonicalUri(pathname: string): string {
  const encoded = pathname
    .split("/")
    .map((segment) => encodeRfc3986(safeDecode(segment)))
    .join("/");
  return encoded.endsWith("/") ? encoded : `${encoded}/`;
}

function canonicalQuery(entries: Iterable<[string, string]>): string {
  return [...entries]
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/**
 * The query as the gateway's canonical form has it: names sorted, names and
 * values percent-encoded per RFC 3986 (a space is %20, never +). Sending this
 * very string in the URL makes what is sent and what is signed the same bytes.
 */
export function encodeQuery(params: Record<string, string>): string {
  return canonicalQuery(Object.entries(params));
}

function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * Returns the headers to add. Every header passed in is signed (as the SDKs do), plus Host
 * and X-Sdk-Date; values already present in `headers` are used as given.
 */
export function signApigRequest(input: ApigSignInput): ApigSignedHeaders {
  if (!input.ak || !input.sk) throw new KooGalleryProtocolError("MISSING_KEY", "AK/SK is empty");
  const url = new URL(input.url);
  const lowerHeaders = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers ?? {})) lowerHeaders.set(name.toLowerCase(), value);

  const sdkDate = lowerHeaders.get("x-sdk-date") ?? formatSdkDate(input.date ?? new Date());
  // URL.host already omits the scheme's default port, as the gateway expects.
  const host = lowerHeaders.get("host") ?? url.host;
  lowerHeaders.set("x-sdk-date", sdkDate);
  lowerHeaders.set("host", host);

  const signedNames = [...lowerHeaders.keys()].sort();
  const canonicalHeaders = signedNames.map((name) => `${name}:${(lowerHeaders.get(name) ?? "").trim()}\n`).join("");
  const signedHeaders = signedNames.join(";");
  const bodyHash = lowerHeaders.get("x-sdk-content-sha256") === "UNSIGNED-PAYLOAD" ? "UNSIGNED-PAYLOAD" : sha256Hex(input.body ?? "");

  const canonicalRequest = [
    input.method.toUpperCase(),
    canonicalUri(url.pathname),
    input.query ?? canonicalQuery(url.searchParams.entries()),
    canonicalHeaders,
    signedHeaders,
    bodyHash,
  ].join("\n");
  const stringToSign = `${ALGORITHM}\n${sdkDate}\n${sha256Hex(canonicalRequest)}`;
  const signature = createHmac("sha256", input.sk).update(stringToSign, "utf8").digest("hex");

  return {
    "X-Sdk-Date": sdkDate,
    Host: host,
    Authorization: `${ALGORITHM} Access=${input.ak}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}
