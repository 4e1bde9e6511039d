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
import http from "node:http";
import https from "node:https";
import { performance } from "node:perf_hooks";
import { getRawSql, type Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { getEnv } from "@/lib/env";
import { openSecret } from "@/lib/crypto/secret-box";
import { describeError } from "@/lib/errors";
import { kickWorker, type WorkSource } from "@/lib/jobs/worker";
import { runSql, sql, type SqlClient, type SqlVia } from "@/lib/sql/insert-sql";
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

/** A Prisma client, or the driver with the client beside it (runSql prefers the driver). */
type Via = SqlClient | SqlVia;

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
 *
 * Ordered by nextAttemptAt alone, the order of its index: the scan stops after
 * `limit` heads, probing each row's predecessors by index. A second sort key
 * (seq) made PostgreSQL collect and sort every pending row on each claim,
 * which a large backlog turned into seconds per claim. Order within a subject
 * does not depend on it (the head rule does).
 */
export async function claimDeliveries(db: Via, workerId: string, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
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
           ORDER BY d."nextAttemptAt"
           LIMIT ${limit}::int
           FOR UPDATE OF d SKIP LOCKED)
        UPDATE "WebhookDelivery" w
           SET "lockedBy" = ${workerId}, "lockedUntil" = ${NOW_UTC} + (${leaseMs}::int * interval '1 millisecond'),
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

// node:http rather than fetch: a delivery is a few statements and one small POST, and fetch's machinery cost more CPU
// than the rest of it (measured by the bench). Keep-alive sockets are dropped before a receiver's usual 5 s idle close.
const agents = {
  "http:": new http.Agent({ keepAlive: true, timeout: 4_000 }),
  "https:": new https.Agent({ keepAlive: true, timeout: 4_000 }),
};

class DeliveryHttpError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

/**
 * POSTs and reads the status and the first `limit` bytes of the answer (the
 * rest is not waited for). The timeout covers the whole exchange; redirects
 * are not followed (a webhook is answered where it was sent).
 */
function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, limit: number): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return reject(new DeliveryHttpError("not a URL"));
    }
    const agent = target.protocol === "http:" || target.protocol === "https:" ? agents[target.protocol] : undefined;
    if (!agent) return reject(new DeliveryHttpError(`unsupported URL scheme ${target.protocol}`));
    const client = target.protocol === "https:" ? https : http;
    const req = client.request(target, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => {
        clearTimeout(timer);
        // NULs dropped: a text column cannot hold them.
        resolve({ status: res.statusCode ?? 0, head: new TextDecoder().decode(Buffer.concat(chunks).subarray(0, limit)).replaceAll("\0", "") });
      };
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= limit) {
          done();
          res.destroy();
        }
      });
      res.on("end", done);
      // A body cut off after the status arrived: the status has decided the attempt.
      res.on("error", done);
    });
    const timer = setTimeout(() => req.destroy(new DeliveryHttpError("timed out", "TIMEOUT")), timeoutMs);
    req.on("error", (error: Error & { code?: string }) => {
      clearTimeout(timer);
      reject(error instanceof DeliveryHttpError ? error : new DeliveryHttpError(error.message, error.code));
    });
    req.end(body);
  });
}

function describeHttpError(error: unknown): string {
  if (error instanceof DeliveryHttpError)
    return (error.code && !error.message.startsWith(error.code) ? `${error.code}: ${error.message}` : error.message).slice(0, 500);
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
    const res = await post(d.url, headers, body, opts.timeoutMs, RESPONSE_HEAD_BYTES);
    const isSuccess = res.status >= 200 && res.status < 300;
    return result({ statusCode: res.status, isSuccess, error: isSuccess ? null : `HTTP ${res.status}`, responseHead: res.head });
  } catch (error) {
    return result({ statusCode: null, isSuccess: false, error: describeHttpError(error), responseHead: null });
  }
}

export type FinishedAttempt = { delivery: Pick<ClaimedDelivery, "id" | "attempt" | "endpointId">; result: AttemptResult };

/**
 * Records finished attempts in one statement: their attempt rows; each
 * delivery DELIVERED, rescheduled or FAILED (only while this worker still
 * holds it: a lease that ran out belongs to whoever took it since); each
 * endpoint's health, decided by its latest attempt in the batch (a success
 * clears failingSince and sets lastSuccessAt, a failure sets failingSince
 * once) and, after three days of failures, its disabling. Returns the ids of
 * the deliveries this worker still held.
 */
export async function recordAttempts(db: Via, workerId: string, finished: readonly FinishedAttempt[], scheduleMs: readonly number[]): Promise<string[]> {
  if (finished.length === 0) return [];
  const column = <T>(f: (a: FinishedAttempt) => T) => finished.map(f);
  const tooLong = sql`e."failingSince" IS NOT NULL AND e."failingSince" < ${NOW_UTC} - (${DISABLE_AFTER_FAILING_MS}::bigint * interval '1 millisecond')`;
  // Arrays, one per column, unnested: one statement text whatever the batch size (a prepared statement, ADR 0004).
  const rows = await runSql<{ id: string }>(
    db,
    sql`WITH r AS (
          SELECT * FROM unnest(${column((a) => a.delivery.id)}::text[], ${column((a) => a.delivery.endpointId)}::text[],
                               ${column((a) => a.delivery.attempt)}::int[], ${column((a) => a.result.attemptedAt.toISOString())}::timestamp(3)[],
                               ${column((a) => a.result.durationMs)}::int[], ${column((a) => a.result.statusCode)}::int[],
                               ${column((a) => a.result.error?.slice(0, 1000) ?? null)}::text[], ${column((a) => a.result.responseHead)}::text[],
                               ${column((a) => a.result.isSuccess)}::boolean[],
                               ${column((a) => (a.result.isSuccess ? null : (retryDelayAfter(a.delivery.attempt, scheduleMs) ?? null)))}::int[])
            AS r(id, "endpointId", attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess", delay)),
        dl AS (
          UPDATE "WebhookDelivery" w
             SET status = (CASE WHEN r."isSuccess" THEN 'DELIVERED' WHEN r.delay IS NULL THEN 'FAILED' ELSE 'PENDING' END)::"DeliveryStatus",
                 "lockedBy" = NULL, "lockedUntil" = NULL,
                 "nextAttemptAt" = CASE WHEN r.delay IS NULL THEN w."nextAttemptAt" ELSE ${NOW_UTC} + r.delay * interval '1 millisecond' END,
                 "lastStatus" = r."statusCode", "lastError" = r.error,
                 "deliveredAt" = CASE WHEN r."isSuccess" THEN ${NOW_UTC} ELSE w."deliveredAt" END, "updatedAt" = ${NOW_UTC}
            FROM r
           WHERE w.id = r.id AND w."lockedBy" = ${workerId} AND w.status = 'PENDING'
          RETURNING w.id),
        at AS (
          INSERT INTO "DeliveryAttempt" (id, "deliveryId", attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess")
          SELECT gen_random_uuid()::text, id, attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess" FROM r
          RETURNING id),
        latest AS (
          SELECT DISTINCT ON ("endpointId") "endpointId", "isSuccess", bool_or("isSuccess") OVER (PARTITION BY "endpointId") AS "anySuccess"
            FROM r ORDER BY "endpointId", "attemptedAt" DESC, attempt DESC),
        ep AS (
          -- A success refreshes lastSuccessAt at most once a second: every delivery to a busy endpoint would otherwise queue on its row.
          UPDATE "WebhookEndpoint" e
             SET "lastSuccessAt" = CASE WHEN l."anySuccess" THEN ${NOW_UTC} ELSE e."lastSuccessAt" END,
                 "failingSince" = CASE WHEN l."isSuccess" THEN NULL ELSE COALESCE(e."failingSince", ${NOW_UTC}) END,
                 "isEnabled" = e."isEnabled" AND (l."isSuccess" OR NOT (${tooLong})),
                 "disabledAt" = CASE WHEN e."isEnabled" AND NOT l."isSuccess" AND ${tooLong} THEN ${NOW_UTC} ELSE e."disabledAt" END,
                 "disabledReason" = CASE WHEN e."isEnabled" AND NOT l."isSuccess" AND ${tooLong}
                   THEN 'every attempt failed for 3 days (since ' || to_char(e."failingSince", 'YYYY-MM-DD HH24:MI') || ' UTC)' ELSE e."disabledReason" END
            FROM latest l
           WHERE e.id = l."endpointId"
             AND (NOT l."isSuccess" OR e."failingSince" IS NOT NULL OR e."lastSuccessAt" IS NULL OR e."lastSuccessAt" < ${NOW_UTC} - interval '1 second')
          RETURNING e.id)
        -- PostgreSQL runs every data-modifying CTE to completion, read or not.
        SELECT id FROM dl`,
  );
  return rows.map((row) => row.id);
}

/** One attempt recorded on its own (recordAttempts with one row); whether the delivery was still this worker's. */
export async function recordAttempt(
  db: Via,
  delivery: Pick<ClaimedDelivery, "id" | "attempt" | "endpointId">,
  workerId: string,
  result: AttemptResult,
  scheduleMs: readonly number[],
): Promise<boolean> {
  return (await recordAttempts(db, workerId, [{ delivery, result }], scheduleMs)).length > 0;
}

/** Records a batch; a database error is logged, and the leases then free the rows (to be attempted again, same webhook-id). */
async function flush(db: Via, workerId: string, finished: FinishedAttempt[], scheduleMs: readonly number[]): Promise<void> {
  const batch = finished.splice(0);
  if (batch.length === 0) return;
  try {
    await recordAttempts(db, workerId, batch, scheduleMs);
  } catch (error) {
    console.error(`[events] could not record ${batch.length} delivery attempts: ${describeError(error)}`);
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
  // Through the driver, as prepared statements (a handful of shapes): the ORM's per-query work is most of a delivery's CPU otherwise.
  const via: Via = { raw: await getRawSql(), tx: db };
  const concurrency = opts.concurrency ?? DELIVERY_CONCURRENCY;
  const leaseMs = leaseMsOf(opts);
  const inFlight = new Set<Promise<void>>();
  // Finished attempts wait here and are recorded together just before the next claim (which they may unblock).
  const finished: FinishedAttempt[] = [];
  let attempted = 0;
  // Refilled once half the slots are free (or all are): one claim and one record statement per few deliveries.
  const refillAt = Math.max(1, Math.floor(concurrency / 2));
  for (;;) {
    await flush(via, workerId, finished, opts.retryScheduleMs);
    const free = concurrency - inFlight.size;
    const claimed = await claimDeliveries(via, workerId, free, leaseMs);
    for (const d of claimed) {
      const p: Promise<void> = attemptDelivery(d, opts)
        .then((result) => void finished.push({ delivery: d, result }))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    }
    attempted += claimed.length;
    if (inFlight.size === 0) {
      await flush(via, workerId, finished, opts.retryScheduleMs);
      return attempted;
    }
    // Nothing more was claimable: the next claim waits for an attempt to end (it may free the next event of its subject).
    const target = claimed.length < free ? inFlight.size - 1 : concurrency - refillAt;
    while (inFlight.size > target) {
      await raceWithTimeout(inFlight, FLUSH_AFTER_MS);
      // Slow endpoints must not hold back a finished attempt: its subject's next event waits for the record.
      const oldest = finished[0]?.result;
      if (oldest && Date.now() - (oldest.attemptedAt.getTime() + oldest.durationMs) >= FLUSH_AFTER_MS) {
        await flush(via, workerId, finished, opts.retryScheduleMs);
      }
    }
  }
}

/** How long a finished attempt may wait for the next batch record while other attempts are still in flight. */
const FLUSH_AFTER_MS = 200;

async function raceWithTimeout(promises: Iterable<Promise<void>>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([...promises, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  } finally {
    clearTimeout(timer);
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
      // No disabledAt: that marks an endpoint the portal gave up on, which staff are alerted about; this was the operator's choice.
      data: { isEnabled: false, disabledReason: ENV_REMOVED_REASON },
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
