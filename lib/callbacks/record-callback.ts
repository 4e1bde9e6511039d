// One callback log row per request, accepted or refused: what came in (masked
// for people, sealed for a re-run), how it was verified, what we did and answered.
import { randomUUID } from "node:crypto";
import type { Db, RawSql, Tx } from "@/lib/db";
import type { Generation, Prisma } from "@/lib/generated/prisma/client";
import { sealSecret } from "@/lib/crypto/secret-box";
import { maskDeep, maskHeaders, maskJsonText } from "@/lib/callbacks/mask";
import { bodyObjectOf, urlOf } from "@/lib/callbacks/call-parts";
import { insertSql, type SqlValue } from "@/lib/sql/insert-sql";

export type IncomingCall = {
  method: string;
  /** The full request URL, query included. */
  url: string;
  headers: Record<string, string>;
  rawBody: string;
};

export type VerificationOutcome =
  | "OK"
  | "RETRY"
  | "MISSING_CREDENTIALS"
  | "BAD_TIMESTAMP"
  | "BAD_SIGNATURE"
  | "REPLAYED_NONCE"
  | "MALFORMED"
  | "TOO_LARGE";

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

function maskedQuery(call: IncomingCall): unknown {
  try {
    return maskDeep(Object.fromEntries(urlOf(call).searchParams));
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

export function callbackLogData(entry: CallbackLogEntry): Prisma.CallbackLogCreateInput {
  const { call } = entry;
  const headers = pickHeaders(call.headers);
  const requestMasked = {
    path: requestPath(call),
    query: maskedQuery(call),
    headers: maskHeaders(headers),
    body: maskedBody(call),
  } as Prisma.InputJsonValue;
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
    requestMasked,
    responseMasked: JSON.stringify(entry.responseFields ? maskDeep(entry.responseFields) : maskJsonText(entry.responseBody)),
    requestSealed: entry.sealKey
      ? sealSecret(JSON.stringify({ method: call.method, url: call.url, headers, rawBody: call.rawBody }), entry.sealKey)
      : null,
    handlerNote: entry.handlerNote?.slice(0, 1000) ?? null,
    retryOfId: entry.retryOfId ?? null,
  };
}

/** The same row as `callbackLogData`, as columns for a single-statement insert (lib/sql/insert-sql.ts). */
export function callbackLogRow(entry: CallbackLogEntry, id = entry.id ?? randomUUID()): Record<string, SqlValue> {
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
