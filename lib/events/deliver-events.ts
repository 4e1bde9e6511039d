// Delivers the outbox (WebhookDelivery rows, lib/events/outbox.ts) to the
// merchant's endpoints, the Standard Webhooks way: a POST of
// {"type","timestamp","data"} signed with every currently valid secret of the
// endpoint, `webhook-id` the event's id on every attempt, any 2xx a success,
// anything else retried on the schedule of env.webhooks.retryScheduleMs and
// marked FAILED after the last attempt.
//
// At least once, in order per subject, across app instances: a worker claims
// due rows with FOR UPDATE SKIP LOCKED and a lease (lockedBy/lockedUntil), and
// only the head of each (endpoint, orderingKey): a row with an earlier PENDING
// row of the same endpoint and key waits for it, so a retried event holds back
// the later events about the same instance or tenant (never the others). A
// worker that dies mid-attempt leaves its rows leased; they are taken again
// when the lease ends and the receiver sees the same webhook-id twice.
import { performance } from "node:perf_hooks";
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { getEnv } from "@/lib/env";
import { openSecret } from "@/lib/crypto/secret-box";
import { describeError } from "@/lib/errors";
import { kickWorker, type WorkSource } from "@/lib/jobs/worker";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { NOW_UTC } from "@/lib/sql/now-utc";
import { signWebhook } from "@/lib/webhooks/standard-webhooks";

/** Deliveries in flight at once per app instance. */
export const DELIVERY_CONCURRENCY = 16;
/** An endpoint whose attempts have failed for this long (no success in between) is disabled. */
export const DISABLE_AFTER_FAILING_MS = 3 * 24 * 60 * 60 * 1000;
/** What is kept of an answer (DeliveryAttempt.responseHead). */
export const RESPONSE_HEAD_BYTES = 1024;
/** The row kept for MERCHANT_WEBHOOK_URL. */
export const ENV_ENDPOINT_ID = "env";
const ENV_REMOVED_REASON = "MERCHANT_WEBHOOK_URL is no longer set";

export type DeliveryOptions = {
  /** Delays before attempts 2…n (the first is immediate); after attempt n the delivery is FAILED. */
  retryScheduleMs: readonly number[];
  timeoutMs: number;
  /** MERCHANT_WEBHOOK_SECRET: the "env" endpoint's secret, never stored. */
  envSecret?: string;
  encryptionKey: Buffer;
  concurrency?: number;
  /** How long a claim lasts; a worker that died holding it frees it after this. */
  leaseMs?: number;
};

export function deliveryOptionsOf(env: Env): DeliveryOptions {
  return { retryScheduleMs: env.webhooks.retryScheduleMs, timeoutMs: env.webhooks.timeoutMs, envSecret: env.webhooks.secret, encryptionKey: env.encryptionKey };
}

/** Long enough for one attempt (its timeout) and the writes after it, with room to spare. */
export function leaseMsOf(opts: Pick<DeliveryOptions, "timeoutMs" | "leaseMs">): number {
  return opts.leaseMs ?? 2 * opts.timeoutMs + 5_000;
}

/** A claimed delivery with what its attempt needs (the event, the endpoint's address and sealed secrets). */
export type ClaimedDelivery = {
  id: string;
  /** This attempt's number (1 for the first). */
  attempt: number;
  endpointId: string;
  eventId: string;
  type: string;
  /** ISO-8601, UTC. */
  occurredAt: string;
  /** The event's data as JSON text. */
  data: string;
  isTest: boolean;
  url: string;
  isFromEnv: boolean;
  secretEnc: string | null;
  /** Only while the rotated-out secret is still valid (previousSecretUntil in the future). */
  previousSecretEnc: string | null;
};

/**
 * Claims up to `limit` due deliveries for this worker: PENDING, due, not
 * leased by a live worker, to an enabled endpoint, and the head of their
 * (endpoint, orderingKey): no earlier PENDING row of the same pair (a claimed
 * head stays PENDING, so it holds the rest back while it is in flight). The
 * attempt is counted at the claim: a worker that dies mid-attempt has used it.
 */
export async function claimDeliveries(db: Db, workerId: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return runSql<ClaimedDelivery>(
    db,
    sql`WITH due AS (
          SELECT d.id FROM "WebhookDelivery" d JOIN "WebhookEndpoint" ep ON ep.id = d."endpointId"
           WHERE d.status = 'PENDING' AND d."nextAttemptAt" <= ${NOW_UTC}
             AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${NOW_UTC})
             AND ep."isEnabled"
             AND NOT EXISTS (
               SELECT 1 FROM "WebhookDelivery" e
                WHERE e."endpointId" = d."endpointId" AND e."orderingKey" = d."orderingKey" AND e.seq < d.seq AND e.status = 'PENDING')
           ORDER BY d."nextAttemptAt", d.seq
           LIMIT ${limit}
           FOR UPDATE OF d SKIP LOCKED)
        UPDATE "WebhookDelivery" w
           SET "lockedBy" = ${workerId}, "lockedUntil" = ${NOW_UTC} + (${leaseMs} * interval '1 millisecond'),
               attempts = w.attempts + 1, "lastAttemptAt" = ${NOW_UTC}, "updatedAt" = ${NOW_UTC}
          FROM due, "MerchantEvent" ev, "WebhookEndpoint" ep
         WHERE w.id = due.id AND ev.id = w."eventId" AND ep.id = w."endpointId"
        RETURNING w.id, w.attempts AS attempt, w."endpointId", ev.id AS "eventId", ev.type,
               to_char(ev."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt", ev.data::text AS data, ev."isTest",
               ep.url, ep."isFromEnv", ep."secretEnc",
               CASE WHEN ep."previousSecretUntil" > ${NOW_UTC} THEN ep."previousSecretEnc" END AS "previousSecretEnc"`,
  );
}

/** The body every attempt of an event sends: `test` only on a test-data call's event. */
export function eventBody(d: Pick<ClaimedDelivery, "type" | "occurredAt" | "data" | "isTest">): string {
  const data = JSON.parse(d.data) as unknown;
  return JSON.stringify({ type: d.type, timestamp: d.occurredAt, data, ...(d.isTest ? { test: true } : {}) });
}

/** Every secret that signs: the endpoint's current one and, during a rotation, the previous one; the "env" endpoint's from the environment. */
export function secretsOf(
  d: Pick<ClaimedDelivery, "isFromEnv" | "secretEnc" | "previousSecretEnc">,
  opts: Pick<DeliveryOptions, "envSecret" | "encryptionKey">,
): string[] {
  if (d.isFromEnv) {
    if (!opts.envSecret) throw new Error("MERCHANT_WEBHOOK_SECRET is not set on this app instance");
    return [opts.envSecret];
  }
  const sealed = [d.secretEnc, d.previousSecretEnc].filter((s): s is string => Boolean(s));
  if (sealed.length === 0) throw new Error("the endpoint has no secret");
  return sealed.map((s) => openSecret(s, opts.encryptionKey));
}

/** The delay before the next attempt after attempt `attempt` failed; undefined when it was the last (the delivery is FAILED). */
export function retryDelayAfter(attempt: number, scheduleMs: readonly number[]): number | undefined {
  return scheduleMs[attempt - 1];
}

export type AttemptResult = {
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  isSuccess: boolean;
  error: string | null;
  responseHead: string | null;
};

/** The first bytes of an answer as text (NULs dropped: a text column cannot hold them); the rest is not read. */
async function readHead(res: Response, limit: number): Promise<string> {
  if (!res.body) return "";
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut off or timed out: the status has already decided the attempt.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit)).replaceAll("\0", "");
}

/** A network error's useful part (fetch hides the code in `cause`), never longer than a log line. */
function describeFetchError(error: unknown): string {
  if (error instanceof DOMException && (error.name === "TimeoutError" || error.name === "AbortError")) return "timed out";
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : undefined;
  const message = typeof cause?.message === "string" ? cause.message : undefined;
  if (code || message) return [code, message].filter(Boolean).join(": ").slice(0, 500);
  return describeError(error);
}

/** One HTTP attempt: signed now, any 2xx a success, redirects not followed (a webhook is answered where it was sent). */
export async function attemptDelivery(d: ClaimedDelivery, opts: DeliveryOptions): Promise<AttemptResult> {
  const attemptedAt = new Date();
  const started = performance.now();
  const result = (r: Omit<AttemptResult, "attemptedAt" | "durationMs">): AttemptResult => ({
    attemptedAt,
    durationMs: Math.round(performance.now() - started),
    ...r,
  });
  let headers: Record<string, string>;
  let body: string;
  try {
    body = eventBody(d);
    headers = {
      "content-type": "application/json",
      "user-agent": "koogallery-portal-webhooks/1",
      ...signWebhook(secretsOf(d, opts), d.eventId, body, attemptedAt),
    };
  } catch (error) {
    return result({ statusCode: null, isSuccess: false, error: `not sent: ${describeError(error)}`, responseHead: null });
  }
  try {
    const res = await fetch(d.url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(opts.timeoutMs) });
    const head = await readHead(res, RESPONSE_HEAD_BYTES);
    const isSuccess = res.status >= 200 && res.status < 300;
    return result({ statusCode: res.status, isSuccess, error: isSuccess ? null : `HTTP ${res.status}`, responseHead: head });
  } catch (error) {
    return result({ statusCode: null, isSuccess: false, error: describeFetchError(error), responseHead: null });
  }
}

/**
 * Records an attempt in one statement: the attempt row; the delivery DELIVERED,
 * rescheduled or FAILED (only while this worker still holds it: a lease that
 * ran out belongs to whoever took it since); the endpoint's health
 * (lastSuccessAt, failingSince) and, after three days of failures, its
 * disabling. Returns whether the delivery was still this worker's.
 */
export async function recordAttempt(
  db: Db,
  d: Pick<ClaimedDelivery, "id" | "attempt" | "endpointId">,
  workerId: string,
  r: AttemptResult,
  scheduleMs: readonly number[],
): Promise<boolean> {
  const delay = r.isSuccess ? undefined : retryDelayAfter(d.attempt, scheduleMs);
  const status = r.isSuccess ? "DELIVERED" : delay === undefined ? "FAILED" : "PENDING";
  const error = r.error?.slice(0, 1000) ?? null;
  // A success refreshes lastSuccessAt at most once a second: every delivery to a busy endpoint would otherwise queue on its row.
  const endpointSql = r.isSuccess
    ? sql`UPDATE "WebhookEndpoint" SET "lastSuccessAt" = ${NOW_UTC}, "failingSince" = NULL
           WHERE id = ${d.endpointId}
             AND ("failingSince" IS NOT NULL OR "lastSuccessAt" IS NULL OR "lastSuccessAt" < ${NOW_UTC} - interval '1 second')
         RETURNING id`
    : sql`UPDATE "WebhookEndpoint" SET "failingSince" = COALESCE("failingSince", ${NOW_UTC}),
                 "isEnabled" = "isEnabled" AND NOT ${isFailingTooLong()},
                 "disabledAt" = CASE WHEN "isEnabled" AND ${isFailingTooLong()} THEN ${NOW_UTC} ELSE "disabledAt" END,
                 "disabledReason" = CASE WHEN "isEnabled" AND ${isFailingTooLong()}
                   THEN 'every attempt failed for 3 days (since ' || to_char("failingSince", 'YYYY-MM-DD HH24:MI') || ' UTC)' ELSE "disabledReason" END
           WHERE id = ${d.endpointId}
         RETURNING id`;
  const rows = await runSql<{ held: number }>(
    db,
    sql`WITH dl AS (
          UPDATE "WebhookDelivery"
             SET status = ${status}::"DeliveryStatus", "lockedBy" = NULL, "lockedUntil" = NULL,
                 "nextAttemptAt" = CASE WHEN ${delay ?? null}::int IS NULL THEN "nextAttemptAt" ELSE ${NOW_UTC} + (${delay ?? 0} * interval '1 millisecond') END,
                 "lastStatus" = ${r.statusCode}::int, "lastError" = ${error}::text,
                 "deliveredAt" = CASE WHEN ${r.isSuccess}::boolean THEN ${NOW_UTC} ELSE "deliveredAt" END, "updatedAt" = ${NOW_UTC}
           WHERE id = ${d.id} AND "lockedBy" = ${workerId} AND status = 'PENDING'
          RETURNING id),
        at AS (
          INSERT INTO "DeliveryAttempt" (id, "deliveryId", attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess")
          VALUES (gen_random_uuid()::text, ${d.id}, ${d.attempt}::int, ${r.attemptedAt}, ${r.durationMs}::int, ${r.statusCode}::int, ${error}::text,
                  ${r.responseHead}::text, ${r.isSuccess}::boolean)
          RETURNING id),
        ep AS (${endpointSql})
        SELECT (SELECT count(*) FROM dl)::int AS held, (SELECT count(*) FROM at)::int AS attempts, (SELECT count(*) FROM ep)::int AS endpoints`,
  );
  return (rows[0]?.held ?? 0) > 0;
}

function isFailingTooLong() {
  return sql`("failingSince" IS NOT NULL AND "failingSince" < ${NOW_UTC} - (${DISABLE_AFTER_FAILING_MS} * interval '1 millisecond'))`;
}

/** Attempts one claimed delivery and records it; a database error is logged, the lease then frees the row. */
async function deliverClaimed(db: Db, d: ClaimedDelivery, workerId: string, opts: DeliveryOptions): Promise<void> {
  const r = await attemptDelivery(d, opts);
  try {
    await recordAttempt(db, d, workerId, r, opts.retryScheduleMs);
  } catch (error) {
    console.error(`[events] could not record attempt ${d.attempt} of delivery ${d.id}: ${describeError(error)}`);
  }
}

/**
 * Delivers until nothing is claimable and nothing is in flight, keeping up
 * to `concurrency` attempts in flight (a slow endpoint holds one slot, not a
 * batch): claiming again once half the slots are free, or as soon as an
 * attempt ends when the last claim found too little (its end may free the
 * next event of the same subject). Returns how many deliveries it attempted.
 */
export async function deliverDueEvents(db: Db, workerId: string, opts: DeliveryOptions): Promise<number> {
  const concurrency = opts.concurrency ?? DELIVERY_CONCURRENCY;
  const leaseMs = leaseMsOf(opts);
  const inFlight = new Set<Promise<void>>();
  let attempted = 0;
  // Refilled once half the slots are free (or all are): one claim query per few deliveries rather than one per delivery.
  const refillAt = Math.max(1, Math.floor(concurrency / 2));
  for (;;) {
    const free = concurrency - inFlight.size;
    const claimed = await claimDeliveries(db, workerId, free, leaseMs);
    for (const d of claimed) {
      const p: Promise<void> = deliverClaimed(db, d, workerId, opts).finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    attempted += claimed.length;
    if (inFlight.size === 0) return attempted;
    // Nothing more was claimable: the next claim waits for an attempt to end (it may free the next event of its subject).
    const target = claimed.length < free ? inFlight.size - 1 : concurrency - refillAt;
    while (inFlight.size > target) await Promise.race(inFlight);
  }
}

/** The worker's source (lib/jobs/worker.ts): started with the other sources in lib/start-portal.ts. */
export function deliverEventsSource(opts: () => DeliveryOptions = () => deliveryOptionsOf(getEnv())): WorkSource {
  return { name: "deliver-events", run: (db, workerId) => deliverDueEvents(db, workerId, opts()) };
}

let lastKickAt = 0;
let trailingKick: NodeJS.Timeout | undefined;
const KICK_EVERY_MS = 50;

/**
 * Wakes this process's worker after a commit that wrote deliveries, so they
 * go out at once rather than at the next poll. At most one wake-up per 50 ms
 * (and one after the last call): under load the worker is draining anyway,
 * and every wake-up costs a claim query.
 */
export function kickDeliveries(): void {
  const now = Date.now();
  if (now - lastKickAt >= KICK_EVERY_MS) {
    lastKickAt = now;
    kickWorker();
    return;
  }
  trailingKick ??= setTimeout(
    () => {
      trailingKick = undefined;
      lastKickAt = Date.now();
      kickWorker();
    },
    KICK_EVERY_MS - (now - lastKickAt),
  ).unref();
}

/**
 * Keeps the "env" endpoint in step with MERCHANT_WEBHOOK_URL at start: created
 * or its URL updated (a changed URL, or the variable set again, enables it
 * afresh), disabled when the variable is gone. Its secret stays in the
 * environment. Every app instance runs this; the upsert makes them agree.
 */
export async function syncEnvEndpoint(db: Db, webhooks: Pick<Env["webhooks"], "url">): Promise<"created" | "updated" | "unchanged" | "disabled" | "none"> {
  const existing = await db.webhookEndpoint.findUnique({ where: { id: ENV_ENDPOINT_ID } });
  if (!webhooks.url) {
    if (!existing?.isEnabled) return "none";
    await db.webhookEndpoint.update({
      where: { id: ENV_ENDPOINT_ID },
      data: { isEnabled: false, disabledAt: new Date(), disabledReason: ENV_REMOVED_REASON },
    });
    return "disabled";
  }
  const isFresh = !existing || existing.url !== webhooks.url || existing.disabledReason === ENV_REMOVED_REASON;
  if (existing && !isFresh) return "unchanged";
  const fresh = { url: webhooks.url, isFromEnv: true, isEnabled: true, disabledAt: null, disabledReason: null, failingSince: null, secretEnc: null };
  await db.webhookEndpoint.upsert({
    where: { id: ENV_ENDPOINT_ID },
    create: { id: ENV_ENDPOINT_ID, name: "MERCHANT_WEBHOOK_URL", eventTypes: [], ...fresh },
    update: fresh,
  });
  return existing ? "updated" : "created";
}
