// Builds requests exactly as KooGallery sends them (protocol:signatures.md#signing-as-koogallery-does), for tests, the demo
// seeder and the CLI. The merchant side never needs this in production.
import { randomBytes } from "node:crypto";
import { canonicalPayload, writeJacksonJson } from "./canonical-json";
import type { KitName } from "./schemas";
import { computeBasicSignature, computeKitSignature } from "./signature-v2";
import { authTokenParamsFromBody, computeAuthToken, formatV1Timestamp } from "./v1-auth-token";

export interface SignedRequest {
  url: string;
  method: "GET" | "POST";
  headers: Record<string, string>;
  body?: string;
}

const V2_HEADERS = { Accept: "application/json", "Content-Type": "application/json;charset=utf8" } as const;
const KIT_V1_TIMEZONE_OFFSET_MINUTES = 8 * 60; // the V1 Kit timeStamp is Beijing time (protocol:kit-interface.md)

export function generateNonce(): string {
  return randomBytes(32).toString("hex").toUpperCase();
}

function joinPath(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, "")}${path}`;
}

export interface V2BasicRequestInput {
  baseUrl: string;
  accessKey: string;
  body: Record<string, unknown>;
  timestamp?: string;
  nonce?: string;
}

export function buildV2BasicRequest({ baseUrl, accessKey, body, timestamp, nonce }: V2BasicRequestInput): SignedRequest {
  const ts = timestamp ?? String(Date.now());
  const usedNonce = nonce ?? generateNonce();
  const payload = canonicalPayload(body, "top-sorted");
  const url = new URL(baseUrl);
  url.searchParams.append("signature", computeBasicSignature({ accessKey, payload, timestamp: ts, nonce: usedNonce }));
  url.searchParams.append("timestamp", ts);
  url.searchParams.append("nonce", usedNonce);
  return { url: url.toString(), method: "POST", headers: { ...V2_HEADERS }, body: payload };
}

export interface KitV2RequestInput extends V2BasicRequestInput {
  kitName: KitName;
}

export function buildKitV2Request({ baseUrl, kitName, accessKey, body, timestamp, nonce }: KitV2RequestInput): SignedRequest {
  const ts = timestamp ?? String(Date.now());
  const usedNonce = nonce ?? generateNonce();
  const payload = canonicalPayload(body, "top-sorted");
  return {
    url: joinPath(baseUrl, `/produceAPI/v2/${kitName}`),
    method: "POST",
    headers: {
      ...V2_HEADERS,
      "x-sign": computeKitSignature({ accessKey, payload, timestamp: ts, nonce: usedNonce }),
      "x-timestamp": ts,
      "x-nonce": usedNonce,
    },
    body: payload,
  };
}

export interface V1GetRequestInput {
  baseUrl: string;
  accessKey: string;
  /** Raw (unencoded) values; saasExtendParams already Base64, mobilePhone/email already encrypted. */
  params: Record<string, string>;
  timeStamp?: string;
}

export function buildV1GetRequest({ baseUrl, accessKey, params, timeStamp }: V1GetRequestInput): SignedRequest {
  const signed: Record<string, string> = {
    ...params,
    timeStamp: timeStamp ?? params.timeStamp ?? formatV1Timestamp(new Date()),
  };
  delete signed.authToken;
  const authToken = computeAuthToken(signed, accessKey);
  // The token is computed over raw values; every value (token included) is then URL-encoded.
  const query = [...Object.entries(signed), ["authToken", authToken] as const]
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join("&");
  const separator = baseUrl.includes("?") ? "&" : "?";
  return { url: `${baseUrl}${separator}${query}`, method: "GET", headers: { Accept: "application/json" } };
}

export interface KitV1RequestInput {
  baseUrl: string;
  kitName: KitName;
  accessKey: string;
  body: Record<string, unknown>;
}

export function buildKitV1Request({ baseUrl, kitName, accessKey, body }: KitV1RequestInput): SignedRequest {
  const withTimeStamp: Record<string, unknown> = {
    ...body,
    timeStamp: body.timeStamp ?? formatV1Timestamp(new Date(), KIT_V1_TIMEZONE_OFFSET_MINUTES),
  };
  return {
    url: joinPath(baseUrl, `/produceAPI/${kitName}`),
    method: "POST",
    headers: {
      Accept: "application/json",
      "Content-Type": "application/json",
      authToken: computeAuthToken(authTokenParamsFromBody(withTimeStamp), accessKey),
    },
    body: writeJacksonJson(withTimeStamp),
  };
}

export interface SignedResponse {
  status: number;
  headers: Record<string, string>;
  bodyText: string;
  json?: unknown;
}

export async function sendSignedRequest(req: SignedRequest, options: { timeoutMs?: number } = {}): Promise<SignedResponse> {
  const response = await fetch(req.url, {
    method: req.method,
    headers: req.headers,
    body: req.body,
    // Redirects would resend a signed body to a different URL; surface them instead.
    redirect: "manual",
    signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
  });
  const bodyText = await response.text();
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  let json: unknown;
  try {
    json = bodyText ? JSON.parse(bodyText) : undefined;
  } catch {
    json = undefined;
  }
  return json === undefined ? { status: response.status, headers, bodyText } : { status: response.status, headers, bodyText, json };
}
