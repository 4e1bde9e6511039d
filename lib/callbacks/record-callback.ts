// One callback log row per request, accepted or refused: what came in (masked
// for people, sealed for a re-run), how it was verified, what we did and answered.
import { createHash, randomUUID } from "node:crypto";
import type { Db, RawSql, Tx } from "@/lib/db";
import type { Generation, Prisma } from "@/lib/generated/prisma/client";
import { sealSecret } from "@/lib/crypto/secret-box";
import { maskDeep, maskHeaders, maskJsonExcerpt, maskJsonText } from "@/lib/callbacks/mask";
import { bodyObjectOf, urlOf } from "@/lib/callbacks/call-parts";
import { insertSql } from "@/lib/sql/insert-sql";
import type { InsertRow } from "@/lib/sql/insert-row";

export type IncomingCall = {
  method: string;
  /** The full request URL, query included. */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
  /** Who sent it (lib/http/client-address.ts): the refusal budget and the log use it. */
  clientAddress?: string;
  /** The body's size when it was not kept (over the limit, or refused before it was read). */
  bodyBytes?: number;
  /**
   * The sender is over its refusal budget (refusal-budget.ts): a large body is
   * checked against its raw bytes only, not parsed and re-serialised.
   */
  isRestricted?: boolean;
  /** A large body refused before it was decoded (serve-callback.ts): what the log keeps of it. */
  bodyPreview?: { excerpt: string; sha256: string };
  /** A verified V1 GET's query as its verification decoded it (sealed with it: verify-call.ts). */
  decodedQuery?: Record<string, string>;
};

export type VerificationOutcome =
  | "OK"
  | "RETRY"
  | "MISSING_CREDENTIALS"
  | "BAD_TIMESTAMP"
  | "BAD_SIGNATURE"
  | "REPLAYED_NONCE"
  | "MALFORMED"
  | "TOO_LARGE"
  /** A summary row: refusals past the refusal budget, counted instead of stored (refusal-budget.ts). */
  | "COUNTED";

/** Verified calls (and staff re-runs of them); every other outcome is a refusal, logged with a bounded body. */
export function isRefusedOutcome(outcome: string): boolean {
  return outcome !== "OK" && outcome !== "RETRY";
}

export type CallbackLogEntry = {
  /** Chosen before the transaction so events can point at their log row. */
  id?: string;
  endpoint: string;
  generation: Generation;
  activity?: string;
  call: IncomingCall;
  verification: VerificationOutcome;
  verificationInfo?: Prisma.InputJsonValue;
  resultCode: string;
  resultMsg?: string;
  responseBody: string;
  /** The fields `responseBody` encodes, when the caller has them (saves parsing the body again to mask it). */
  responseFields?: Record<string, unknown>;
  startedAt: number;
  links?: { instanceId?: string; orderId?: string; orderLineId?: string; tenantId?: string };
  isTest?: boolean;
  handlerNote?: string;
  retryOfId?: string;
  /** Only verified requests are sealed: only they may be re-run. */
  sealKey?: Buffer;
};

/** Headers worth keeping: the signature material and the content type, not the whole proxy chain. */
const KEPT_HEADERS = /^(content-type|x-sign|x-timestamp|x-nonce|authtoken|user-agent|x-forwarded-for|x-request-id)$/i;

export function pickHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => KEPT_HEADERS.test(k)));
}

function requestPath(call: IncomingCall): string {
  try {
    return urlOf(call).pathname;
  } catch {
    return call.url.slice(0, 200);
  }
}

function maskedQuery(call: IncomingCall, isRefused: boolean): unknown {
  try {
    const query = Object.fromEntries(urlOf(call).searchParams);
    return maskDeep(isRefused ? capValues(query) : query);
  } catch {
    return {};
  }
}

/** The body as people may see it: parsed once per call (call-parts), masked; text that is not JSON is kept, capped. */
function maskedBody(call: IncomingCall): unknown {
  if (call.rawBody === "") return null;
  const body = bodyObjectOf(call);
  return body ? maskDeep(body) : maskJsonText(call.rawBody);
}

/**
 * A refused call's body is whatever a stranger sent: only this much of it is
 * kept (as masked JSON when it is that small, else as a masked excerpt), with
 * its size and SHA-256 so two refusals can still be told apart or matched.
 */
export const REFUSED_BODY_KEPT_CHARS = 2048;
/** Header and query values longer than this are cut in the log (a signature is 64 characters). */
const MAX_LOGGED_VALUE_CHARS = 512;

function refusedBody(call: IncomingCall): { body: unknown; bodyBytes: number; bodySha256?: string } {
  if (call.bodyPreview) {
    return {
      body: { excerpt: maskJsonExcerpt(call.bodyPreview.excerpt), isTruncated: true },
      bodyBytes: call.bodyBytes ?? 0,
      bodySha256: call.bodyPreview.sha256,
    };
  }
  const bodyBytes = call.rawBody === "" ? (call.bodyBytes ?? 0) : Buffer.byteLength(call.rawBody);
  if (call.rawBody === "") return { body: null, bodyBytes };
  const bodySha256 = createHash("sha256").update(call.rawBody).digest("hex");
  if (call.rawBody.length <= REFUSED_BODY_KEPT_CHARS) return { body: maskedBody(call), bodyBytes, bodySha256 };
  return { body: { excerpt: maskJsonExcerpt(call.rawBody.slice(0, REFUSED_BODY_KEPT_CHARS)), isTruncated: true }, bodyBytes, bodySha256 };
}

function capValues(values: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(values))
    out[k.slice(0, 128)] = v.length > MAX_LOGGED_VALUE_CHARS ? `${v.slice(0, MAX_LOGGED_VALUE_CHARS)}… (${v.length} characters)` : v;
  return out;
}

export function callbackLogData(entry: CallbackLogEntry): Prisma.CallbackLogCreateInput {
  const { call } = entry;
  const headers = pickHeaders(call.headers);
  const isRefused = isRefusedOutcome(entry.verification);
  // A summary row stands for many calls: their sizes are in its verificationInfo.
  const refused = isRefused && entry.verification !== "COUNTED" ? refusedBody(call) : undefined;
  // Properties added one by one, not spread in: this runs on every call (a spread literal is V8's slow path, ADR 0004).
  const requestMasked: Record<string, unknown> = {
    path: requestPath(call).slice(0, 512),
    query: maskedQuery(call, isRefused),
    headers: maskHeaders(isRefused ? capValues(headers) : headers),
    body: refused ? refused.body : maskedBody(call),
  };
  if (call.clientAddress) requestMasked.client = call.clientAddress;
  if (refused) {
    requestMasked.bodyBytes = refused.bodyBytes;
    if (refused.bodySha256) requestMasked.bodySha256 = refused.bodySha256;
  }
  // No spread before the literal's own properties: V8 (Node 20) then defines each of them on a slow path.
  return {
    id: entry.id,
    endpoint: entry.endpoint,
    generation: entry.generation,
    activity: entry.activity?.slice(0, 64) ?? null,
    method: call.method,
    verification: entry.verification,
    verificationInfo: entry.verificationInfo,
    resultCode: entry.resultCode,
    resultMsg: entry.resultMsg?.slice(0, 255) ?? null,
    latencyMs: Math.max(0, Math.round(performance.now() - entry.startedAt)),
    instanceId: entry.links?.instanceId ?? null,
    orderId: entry.links?.orderId ?? null,
    orderLineId: entry.links?.orderLineId ?? null,
    tenantId: entry.links?.tenantId ?? null,
    isTest: entry.isTest ?? false,
    requestMasked: requestMasked as Prisma.InputJsonValue,
    responseMasked: JSON.stringify(entry.responseFields ? maskDeep(entry.responseFields) : maskJsonText(entry.responseBody)),
    // Only verified calls are sealed: only they may be re-run (and a refused body may be 16 MiB).
    requestSealed:
      entry.sealKey && !isRefused
        ? sealSecret(JSON.stringify({ method: call.method, url: call.url, headers, rawBody: call.rawBody, decodedQuery: call.decodedQuery }), entry.sealKey)
        : null,
    handlerNote: entry.handlerNote?.slice(0, 1000) ?? null,
    retryOfId: entry.retryOfId ?? null,
  };
}

/** The same row as `callbackLogData`, as columns for a single-statement insert (lib/sql/insert-sql.ts). */
export function callbackLogRow(entry: CallbackLogEntry, id = entry.id ?? randomUUID()): InsertRow<"CallbackLog"> {
  const d = callbackLogData(entry);
  return {
    id,
    receivedAt: new Date(),
    endpoint: d.endpoint,
    generation: { enumType: "Generation", value: d.generation },
    activity: d.activity ?? null,
    method: d.method,
    verification: d.verification,
    verificationInfo: { json: d.verificationInfo ?? null },
    resultCode: d.resultCode,
    resultMsg: d.resultMsg ?? null,
    latencyMs: d.latencyMs,
    instanceId: d.instanceId ?? null,
    orderId: d.orderId ?? null,
    orderLineId: d.orderLineId ?? null,
    tenantId: d.tenantId ?? null,
    isTest: d.isTest ?? false,
    requestMasked: { json: d.requestMasked },
    responseMasked: d.responseMasked ?? null,
    requestSealed: d.requestSealed ?? null,
    handlerNote: d.handlerNote ?? null,
    retryOfId: d.retryOfId ?? null,
  };
}

/**
 * Writes the log row. Inside a transaction through Prisma; outside one straight
 * through the driver (one statement, no ORM work: this runs on every call).
 */
export async function recordCallback(db: Db | Tx | RawSql, entry: CallbackLogEntry): Promise<string> {
  if ("kind" in db) {
    const id = entry.id ?? randomUUID();
    const sql = insertSql("CallbackLog", callbackLogRow(entry, id));
    await db.queryPrepared(sql.text, sql.values);
    return id;
  }
  const row = await db.callbackLog.create({ data: callbackLogData(entry), select: { id: true } });
  return row.id;
}
