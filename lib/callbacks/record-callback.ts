// One callback log row per request, accepted or refused: what came in (masked
// for people, sealed for a re-run), how it was verified, what we did and answered.
import { randomUUID } from "node:crypto";
import type { Db, RawSql, Tx } from "@/lib/db";
import type { Generation, Prisma } from "@/lib/generated/prisma/client";
import { sealSecret } from "@/lib/crypto/secret-box";
import { maskHeaders, maskJsonText } from "@/lib/callbacks/mask";
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

function maskedQuery(url: string): Record<string, string> {
  try {
    const u = new URL(url);
    return Object.fromEntries([...u.searchParams.entries()].map(([k, v]) => [k, v]));
  } catch {
    return {};
  }
}

export function callbackLogData(entry: CallbackLogEntry): Prisma.CallbackLogCreateInput {
  const { call } = entry;
  const path = (() => {
    try {
      return new URL(call.url).pathname;
    } catch {
      return call.url.slice(0, 200);
    }
  })();
  const requestMasked = {
    path,
    query: maskJsonText(JSON.stringify(maskedQuery(call.url))),
    headers: maskHeaders(pickHeaders(call.headers)),
    body: call.rawBody === "" ? null : maskJsonText(call.rawBody),
  } as Prisma.InputJsonValue;
  return {
    ...(entry.id ? { id: entry.id } : {}),
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
    responseMasked: JSON.stringify(maskJsonText(entry.responseBody)),
    requestSealed: entry.sealKey
      ? sealSecret(JSON.stringify({ method: call.method, url: call.url, headers: pickHeaders(call.headers), rawBody: call.rawBody }), entry.sealKey)
      : null,
    handlerNote: entry.handlerNote?.slice(0, 1000) ?? null,
    retryOfId: entry.retryOfId ?? null,
  };
}

/** The same row as `callbackLogData`, as columns for a single-statement insert (lib/sql/insert-sql.ts). */
export function callbackLogRow(entry: CallbackLogEntry & { id: string }): Record<string, SqlValue> {
  const d = callbackLogData(entry);
  return {
    id: entry.id,
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
    const sql = insertSql("CallbackLog", callbackLogRow({ ...entry, id }));
    await db.query(sql.text, sql.values);
    return id;
  }
  const row = await db.callbackLog.create({ data: callbackLogData(entry), select: { id: true } });
  return row.id;
}
