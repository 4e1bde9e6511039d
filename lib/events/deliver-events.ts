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
//
// One statement per round trip: the attempts that ended are recorded and the
// next due rows claimed together (settleAndClaim), at most once per
// MIN_STATEMENT_GAP_MS. Under load, every callback kicks the deliverer
// (kickDeliveries); the kicks of one gap share one statement, which then
// carries tens of rows instead of each kick costing a claim of its own.
//
// A new instance's first event skips the claim: the statement that writes it
// claims its deliveries for this process (preclaimTicket), and they are handed
// over once it commits (handOverDeliveries; ADR 0011).
import { performance } from "node:perf_hooks";
import { Agent, request } from "undici";
import { getRawSql, type Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { getEnv } from "@/lib/env";
import { openSecret } from "@/lib/crypto/secret-box";
import { describeError } from "@/lib/errors";
import { kickSource, type WorkSource } from "@/lib/jobs/worker";
import { forgetHints, hasHints, hasUntriedHints, takeHints } from "@/lib/events/delivery-hints";
import { runSql, sql, withSql, type Sql, type SqlClient, type SqlVia } from "@/lib/sql/insert-sql";
import { NOW_UTC } from "@/lib/sql/now-utc";
import { signWebhook } from "@/lib/webhooks/standard-webhooks";

/**
 * Deliveries in flight at once per app instance: also the most one statement
 * claims. With MIN_STATEMENT_GAP_MS it bounds an instance's rate to a fast
 * receiver (64 per 25 ms: 2,560 a second).
 */
export const DELIVERY_CONCURRENCY = 64;
/**
 * The least time between two statements of one app instance's deliverer.
 * The first after a quiet spell runs at once; under load the attempts that
 * end and the events written within one gap share a statement. A few tens of
 * milliseconds of latency buys far fewer round trips.
 */
export const MIN_STATEMENT_GAP_MS = 25;
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
  /** MIN_STATEMENT_GAP_MS unless set (tests). */
  minGapMs?: number;
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
 * What an attempt needs beyond the delivery's id, attempt and endpoint
 * (ClaimedDelivery), from the event `ev` and the endpoint `ep`: read by the
 * claim, and by the statement that writes a claimed delivery (outbox.ts).
 */
export const ATTEMPT_COLUMNS: Sql = sql`ev.id AS "eventId", ev.type,
  to_char(ev."occurredAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt", ev.data::text AS data, ev."isTest",
  ep.url, ep."isFromEnv", ep."secretEnc",
  CASE WHEN ep."previousSecretUntil" > ${NOW_UTC} THEN ep."previousSecretEnc" END AS "previousSecretEnc"`;

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
  return settleAndClaim(db, workerId, [], limit, leaseMs, []);
}

/** Where a claim looks: every pending delivery (the full claim), or only the ones it is pointed at. */
export type ClaimScope = { full: true } | { full: false; eventIds: readonly string[] };

/**
 * Records `finished` (as recordAttempts) and claims up to `limit` due
 * deliveries (as claimDeliveries) in one statement: the deliverer's one round
 * trip per gap. Its claim reads the table as it was before the statement, so
 * it is told what the statement settles: a delivery this worker marked
 * DELIVERED or FAILED here no longer holds back the next event of its subject,
 * a delivery being recorded is never also claimed, and an endpoint disabled
 * here gets no more claims.
 *
 * The full claim walks the pending deliveries in nextAttemptAt order. The
 * pointed claim looks only at the deliveries of `eventIds` (events this
 * process just wrote) and at the next pending delivery of each subject whose
 * delivery this statement settles: index lookups, whatever the size of the
 * table. On a database that is never vacuumed or analyzed the full claim
 * visits every dead pending entry of the index (milliseconds per claim after
 * a few tens of thousands of deliveries), so the deliverer runs it only now
 * and then (deliverDueEvents).
 */
export async function settleAndClaim(
  db: Via,
  workerId: string,
  finished: readonly FinishedAttempt[],
  limit: number,
  leaseMs: number,
  scheduleMs: readonly number[],
  scope: ClaimScope = { full: true },
): Promise<ClaimedDelivery[]> {
  // In a pointed claim the rows come from the candidate list alone: the status and the due time are written so that
  // no index qualifies for them. Without statistics (never analyzed) the planner otherwise drives the claim from
  // the pending-status index, whose dead entries a database that is never vacuumed keeps forever.
  const status = scope.full ? sql`d.status` : sql`d.status::text`;
  const nextAttemptAt = scope.full ? sql`d."nextAttemptAt"` : sql`(d."nextAttemptAt" + interval '0')`;
  const claimable = sql`${status} = 'PENDING' AND ${nextAttemptAt} <= ${NOW_UTC}
           AND (d."lockedUntil" IS NULL OR d."lockedUntil" < ${NOW_UTC})
           AND ep."isEnabled" AND ep.id NOT IN (SELECT id FROM health WHERE NOT "isEnabled")
           AND d.id NOT IN (SELECT id FROM r)
           AND NOT EXISTS (
             SELECT 1 FROM "WebhookDelivery" e
              WHERE e."endpointId" = d."endpointId" AND e."orderingKey" = d."orderingKey" AND e.seq < d.seq AND e.status = 'PENDING'
                AND e.id NOT IN (SELECT id FROM dl WHERE status <> 'PENDING')
             -- A probe of the head index per candidate, never a join: with stale statistics (few PENDING rows when the
             -- table was last analyzed, thousands now) the planner made it an anti-join that rescanned every pending
             -- row for each candidate, seconds per claim. OFFSET 0 keeps the subquery from being pulled up.
             OFFSET 0)`;
  const ctes: Array<[string, Sql]> = recordCtes(workerId, finished, scheduleMs);
  if (scope.full) {
    ctes.push([
      "due",
      sql`SELECT d.id FROM "WebhookDelivery" d JOIN "WebhookEndpoint" ep ON ep.id = d."endpointId"
         WHERE ${claimable}
         ORDER BY d."nextAttemptAt"
         LIMIT ${limit}::int
         FOR UPDATE OF d SKIP LOCKED`,
    ]);
  } else {
    ctes.push(
      [
        "pointed",
        // Each id looked up on its own (lateral, bounded): joined as sets, an unanalyzed table had the planner expect
        // thousands of rows and scan the whole table for them.
        sql`SELECT c.id FROM unnest(${scope.eventIds}::text[]) AS h(id)
               CROSS JOIN LATERAL (SELECT d.id FROM "WebhookDelivery" d WHERE d."eventId" = h.id LIMIT 100) c
          UNION
          SELECT n.id FROM dl CROSS JOIN LATERAL (
            SELECT s.id FROM "WebhookDelivery" s
             WHERE s."endpointId" = dl."endpointId" AND s."orderingKey" = dl."orderingKey" AND s.status = 'PENDING'
               AND s.id NOT IN (SELECT id FROM r)
             ORDER BY s.seq LIMIT 1) n
           WHERE dl.status <> 'PENDING'`,
      ],
      [
        "due",
        sql`SELECT d.id FROM pointed JOIN "WebhookDelivery" d ON d.id = pointed.id JOIN "WebhookEndpoint" ep ON ep.id = d."endpointId"
         WHERE ${claimable}
         ORDER BY d."nextAttemptAt"
         LIMIT ${limit}::int
         FOR UPDATE OF d SKIP LOCKED`,
      ],
    );
  }
  ctes.push([
    "claimed",
    sql`UPDATE "WebhookDelivery" w
         SET "lockedBy" = ${workerId}, "lockedUntil" = ${NOW_UTC} + (${leaseMs}::int * interval '1 millisecond'),
             attempts = w.attempts + 1, "lastAttemptAt" = ${NOW_UTC}, "updatedAt" = ${NOW_UTC}
        FROM due, "MerchantEvent" ev, "WebhookEndpoint" ep
       WHERE w.id = due.id AND ev.id = w."eventId" AND ep.id = w."endpointId"
      RETURNING w.id, w.attempts AS attempt, w."endpointId", ${ATTEMPT_COLUMNS}`,
  ]);
  // PostgreSQL runs every data-modifying CTE to completion, read or not.
  return runSql<ClaimedDelivery>(db, withSql(ctes, sql`SELECT * FROM claimed`));
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

// undici's request API (the HTTP client under Node's fetch, without fetch's WHATWG machinery): measured at about half the
// CPU per POST of node:http's client, which every delivery pays. One agent: keep-alive sockets per origin, dropped before
// a receiver's usual 5 s idle close; redirects are never followed (a webhook is answered where it was sent).
const agent = new Agent({ keepAliveTimeout: 4_000, keepAliveMaxTimeout: 4_000 });

const utf8 = new TextDecoder();

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
 * rest is not waited for). The timeout covers the whole exchange.
 */
async function post(url: string, headers: Record<string, string>, body: string, timeoutMs: number, limit: number): Promise<{ status: number; head: string }> {
  if (!URL.canParse(url)) throw new DeliveryHttpError("not a URL");
  const protocol = new URL(url).protocol;
  if (protocol !== "http:" && protocol !== "https:") throw new DeliveryHttpError(`unsupported URL scheme ${protocol}`);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DeliveryHttpError("timed out", "TIMEOUT")), timeoutMs);
  try {
    const res = await request(url, { method: "POST", headers, body, dispatcher: agent, signal: controller.signal });
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        chunks.push(chunk);
        size += chunk.byteLength;
        if (size >= limit) break;
      }
    } catch {
      // A body cut off after the status arrived: the status has decided the attempt.
    } finally {
      // Not waited for: the rest of a long answer is dropped (and its socket with it).
      if (size >= limit) res.body.destroy();
    }
    // NULs dropped: a text column cannot hold them.
    return { status: res.statusCode, head: utf8.decode(Buffer.concat(chunks).subarray(0, limit)).replaceAll("\0", "") };
  } catch (error) {
    if (controller.signal.aborted && controller.signal.reason instanceof DeliveryHttpError) throw controller.signal.reason;
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

/** "<code>: <message>" (ECONNREFUSED, UND_ERR_SOCKET, TIMEOUT…), or the message alone when it starts with its code or has none. */
function describeHttpError(error: unknown): string {
  if (!(error instanceof Error)) return describeError(error);
  const code = (error as Error & { code?: unknown }).code;
  return (typeof code === "string" && !error.message.startsWith(code) ? `${code}: ${error.message}` : error.message).slice(0, 500);
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
  // PostgreSQL runs every data-modifying CTE to completion, read or not.
  const rows = await runSql<{ id: string }>(db, withSql(recordCtes(workerId, finished, scheduleMs), sql`SELECT id FROM dl`));
  return rows.map((row) => row.id);
}

/**
 * The CTEs that record `finished`: r (the batch), dl (the deliveries this
 * worker still held, with their new status), at (the attempt rows), latest
 * and health (the endpoints, with whether they are still enabled). An empty
 * batch writes nothing.
 */
function recordCtes(workerId: string, finished: readonly FinishedAttempt[], scheduleMs: readonly number[]): Array<[string, Sql]> {
  const column = <T>(f: (a: FinishedAttempt) => T) => finished.map(f);
  const ids = column((a) => a.delivery.id);
  const tooLong = sql`e."failingSince" IS NOT NULL AND e."failingSince" < ${NOW_UTC} - (${DISABLE_AFTER_FAILING_MS}::bigint * interval '1 millisecond')`;
  // Arrays, one per column, unnested: one statement text whatever the batch size (a prepared statement, ADR 0004).
  return [
    [
      "r",
      sql`SELECT * FROM unnest(${ids}::text[], ${column((a) => a.delivery.endpointId)}::text[],
                               ${column((a) => a.delivery.attempt)}::int[], ${column((a) => a.result.attemptedAt.toISOString())}::timestamp(3)[],
                               ${column((a) => a.result.durationMs)}::int[], ${column((a) => a.result.statusCode)}::int[],
                               ${column((a) => a.result.error?.slice(0, 1000) ?? null)}::text[], ${column((a) => a.result.responseHead)}::text[],
                               ${column((a) => a.result.isSuccess)}::boolean[],
                               ${column((a) => (a.result.isSuccess ? null : (retryDelayAfter(a.delivery.attempt, scheduleMs) ?? null)))}::int[])
            AS r(id, "endpointId", attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess", delay)`,
    ],
    [
      "dl",
      sql`UPDATE "WebhookDelivery" w
             SET status = (CASE WHEN r."isSuccess" THEN 'DELIVERED' WHEN r.delay IS NULL THEN 'FAILED' ELSE 'PENDING' END)::"DeliveryStatus",
                 "lockedBy" = NULL, "lockedUntil" = NULL,
                 "nextAttemptAt" = CASE WHEN r.delay IS NULL THEN w."nextAttemptAt" ELSE ${NOW_UTC} + r.delay * interval '1 millisecond' END,
                 "lastStatus" = r."statusCode", "lastError" = r.error,
                 "deliveredAt" = CASE WHEN r."isSuccess" THEN ${NOW_UTC} ELSE w."deliveredAt" END, "updatedAt" = ${NOW_UTC}
            FROM r
           -- By primary key whatever the statistics say: the ids again as an array, and the status compared as text
           -- so that no index of PENDING rows qualifies (with estimates from when few rows were pending, the planner
           -- walked every pending row instead).
           WHERE w.id = ANY(${ids}::text[]) AND w.id = r.id AND w."lockedBy" = ${workerId} AND w.status::text = 'PENDING'
          RETURNING w.id, w.status, w."endpointId", w."orderingKey"`,
    ],
    [
      "at",
      sql`INSERT INTO "DeliveryAttempt" (id, "deliveryId", attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess")
          SELECT gen_random_uuid()::text, id, attempt, "attemptedAt", "durationMs", "statusCode", error, "responseHead", "isSuccess" FROM r
          RETURNING id`,
    ],
    [
      "latest",
      sql`SELECT DISTINCT ON ("endpointId") "endpointId", "isSuccess", bool_or("isSuccess") OVER (PARTITION BY "endpointId") AS "anySuccess"
            FROM r ORDER BY "endpointId", "attemptedAt" DESC, attempt DESC`,
    ],
    [
      "health",
      // A success refreshes lastSuccessAt at most once a second: every delivery to a busy endpoint would otherwise queue on its row.
      sql`UPDATE "WebhookEndpoint" e
             SET "lastSuccessAt" = CASE WHEN l."anySuccess" THEN ${NOW_UTC} ELSE e."lastSuccessAt" END,
                 "failingSince" = CASE WHEN l."isSuccess" THEN NULL ELSE COALESCE(e."failingSince", ${NOW_UTC}) END,
                 "isEnabled" = e."isEnabled" AND (l."isSuccess" OR NOT (${tooLong})),
                 "disabledAt" = CASE WHEN e."isEnabled" AND NOT l."isSuccess" AND ${tooLong} THEN ${NOW_UTC} ELSE e."disabledAt" END,
                 "disabledReason" = CASE WHEN e."isEnabled" AND NOT l."isSuccess" AND ${tooLong}
                   THEN 'every attempt failed for 3 days (since ' || to_char(e."failingSince", 'YYYY-MM-DD HH24:MI') || ' UTC)' ELSE e."disabledReason" END
            FROM latest l
           WHERE e.id = l."endpointId"
             AND (NOT l."isSuccess" OR e."failingSince" IS NOT NULL OR e."lastSuccessAt" IS NULL OR e."lastSuccessAt" < ${NOW_UTC} - interval '1 second')
          RETURNING e.id, e."isEnabled"`,
    ],
  ];
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

/** While the deliverer runs, a full claim at least this often: it finds retries that fell due and other instances' leftovers. */
export const FULL_CLAIM_EVERY_MS = 1_000;
/** The most event ids one pointed claim looks up. */
const MAX_POINTED_IDS = 1_024;
/** A kick that names no written event (a resend, say) asks for a full claim: at most one per this long. */
const FULL_CLAIM_MIN_GAP_MS = 200;

/** When this process's deliverer last sent a statement, and a full claim (performance.now()). */
let lastStatementAt = Number.NEGATIVE_INFINITY;
let lastFullClaimAt = Number.NEGATIVE_INFINITY;
let wasLastStatementIdle = false;
/** The running deliverers of this process, told of each kick (events written) and each hand-over. */
const kickListeners = new Set<(kind: "written" | "handover") => void>();

/** What this process's deliverer has sent, for tests and diagnostics. */
export const deliveryStatements = { total: 0, full: 0 };

/**
 * Deliveries claimed by the statement that wrote them (preclaimTicket) and
 * handed over once it committed: attempted without a claim of their own.
 */
const handedOver: Array<{ delivery: ClaimedDelivery; at: number }> = [];
/** The worker id and lease of this process's deliverer, once it has run (undefined: nothing may be claimed for it). */
let deliverer: { workerId: string; leaseMs: number; concurrency: number } | undefined;

/**
 * Whether a statement that writes an event may claim its deliveries for this
 * process's deliverer at once, and as whom. Only for the first events of a
 * subject created in that same statement (nothing can be ahead of them in its
 * order), by a statement that is its own transaction (its rows are handed over
 * when it returns: handOverDeliveries), while the deliverer keeps up (what is
 * handed over waits in memory, within its lease).
 */
export function preclaimTicket(): { workerId: string; leaseMs: number } | undefined {
  if (!deliverer || handedOver.length >= deliverer.concurrency) return undefined;
  return { workerId: deliverer.workerId, leaseMs: deliverer.leaseMs };
}

/** Deliveries a committed statement claimed for this process (preclaimTicket): attempted as soon as a slot is free. */
export function handOverDeliveries(deliveries: readonly ClaimedDelivery[]): void {
  if (deliveries.length === 0) return;
  const at = performance.now();
  for (const delivery of deliveries) handedOver.push({ delivery, at });
  if (kickListeners.size === 0) kickSource(DELIVER_EVENTS_SOURCE);
  else for (const listener of kickListeners) listener("handover");
}

/**
 * Delivers until nothing is claimable and nothing is in flight, keeping up to
 * `concurrency` attempts in flight (a slow endpoint holds one slot, not a
 * batch). Each statement records the attempts that ended and claims into the
 * free slots (settleAndClaim), no sooner than `minGapMs` after the previous
 * one: a finished attempt is recorded within a gap even beside slow ones, and
 * the kicks and endings of one gap share one statement.
 *
 * Most statements are pointed claims: the deliveries of the events this
 * process just wrote (delivery-hints.ts) and the next event of each subject
 * whose delivery the statement settles. A full claim runs when the deliverer
 * starts without such events (a poll), after a kick that names no event, after
 * a claim that filled every slot (more may be due), and at least every
 * FULL_CLAIM_EVERY_MS while it runs. Returns how many deliveries it attempted.
 */
export async function deliverDueEvents(db: Db, workerId: string, opts: DeliveryOptions): Promise<number> {
  // Through the driver, as prepared statements (a handful of shapes): the ORM's per-query work is most of a delivery's CPU otherwise.
  const via: Via = { raw: await getRawSql(), tx: db };
  const concurrency = opts.concurrency ?? DELIVERY_CONCURRENCY;
  const gapMs = opts.minGapMs ?? MIN_STATEMENT_GAP_MS;
  const leaseMs = leaseMsOf(opts);
  const inFlight = new Set<Promise<void>>();
  // Attempts that ended, recorded by the next statement.
  const finished: FinishedAttempt[] = [];
  let attempted = 0;
  let wantFull = !hasUntriedHints();
  // A kick while ids are still being looked for: the kicking commit's events are probably among them.
  let wantPointed = false;
  // The last claim filled every slot: the next full claim need not wait FULL_CLAIM_MIN_GAP_MS.
  let isBacklog = false;
  // The last pointed claim filled every slot: more of this process's events may be waiting.
  let isPointedBacklog = false;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(0, ms));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    }).finally(() => (wake = undefined));
  const onKick = (kind: "written" | "handover") => {
    if (kind === "written") {
      if (hasHints()) wantPointed = true;
      else wantFull = true;
    }
    wake?.();
  };
  const start = (d: ClaimedDelivery) => {
    const p: Promise<void> = attemptDelivery(d, opts)
      .then((result) => void finished.push({ delivery: d, result }))
      .finally(() => {
        inFlight.delete(p);
        wake?.();
      });
    inFlight.add(p);
    attempted += 1;
  };
  kickListeners.add(onKick);
  try {
    for (;;) {
      // Handed over first: already claimed, their leases running. One that waited past half its lease is left to
      // lapse (a claim then takes it, as after a crash): sent now, it might overlap another worker's claim of it.
      while (handedOver.length > 0 && inFlight.size < concurrency) {
        const { delivery, at } = handedOver.shift()!;
        if (performance.now() - at < leaseMs / 2) start(delivery);
      }
      const now = performance.now();
      const free = concurrency - inFlight.size;
      const isFullTime = now - lastFullClaimAt >= FULL_CLAIM_EVERY_MS;
      if (isFullTime) wantFull = true;
      // While this process's own events wait, pointed claims take them (index lookups); the full claim, which may walk
      // the whole pending index, waits for its period. Unless the last full claim filled every slot: deliveries are
      // then waiting that no pointed claim will find (their ids forgotten, or written elsewhere), oldest first.
      const isFullAllowed: boolean = free > 0 && wantFull && (isBacklog || ((isFullTime || !hasHints()) && now - lastFullClaimAt >= FULL_CLAIM_MIN_GAP_MS));
      const isPointedNeeded = finished.length > 0 || (free > 0 && hasHints() && (hasUntriedHints() || wantPointed || isPointedBacklog || wantFull));
      if (!isFullAllowed && !isPointedNeeded) {
        if (inFlight.size === 0 && handedOver.length === 0 && !(free > 0 && wantFull)) return attempted;
        // An attempt ending or a kick calls for a statement; so does a full claim that waits for its minimum gap.
        await sleep(free > 0 && wantFull ? lastFullClaimAt + FULL_CLAIM_MIN_GAP_MS - now : FULL_CLAIM_EVERY_MS);
        continue;
      }
      // After a statement that found nothing to do (events written while no endpoint takes them, say), one with
      // nothing to record waits longer: such kicks cost a few statements a second, not one per gap.
      const wait = lastStatementAt + (wasLastStatementIdle && finished.length === 0 ? FULL_CLAIM_MIN_GAP_MS : gapMs) - now;
      if (wait > 0) {
        // Kicks and endings meanwhile wait for this statement.
        await new Promise((resolve) => setTimeout(resolve, wait));
        continue;
      }
      lastStatementAt = now;
      const isFull: boolean = isFullAllowed;
      if (isFull) {
        lastFullClaimAt = now;
        wantFull = false;
      } else wantPointed = false;
      const batch = finished.splice(0);
      // The ids of the last second or so: under load about as many as a few statements claim.
      const scope: ClaimScope = isFull ? { full: true } : { full: false, eventIds: free > 0 ? takeHints(Date.now(), MAX_POINTED_IDS) : [] };
      let claimed: ClaimedDelivery[] = [];
      try {
        deliveryStatements.total += 1;
        if (isFull) deliveryStatements.full += 1;
        claimed = await settleAndClaim(via, workerId, batch, free, leaseMs, opts.retryScheduleMs, scope);
      } catch (error) {
        // The leases free these rows: they are attempted again (same webhook-id) once they end.
        console.error(`[events] could not record ${batch.length} delivery attempts and claim: ${describeError(error)}`);
      }
      forgetHints(claimed.map((d) => d.eventId));
      wasLastStatementIdle = batch.length === 0 && claimed.length === 0;
      // A full claim that filled every slot leaves more due behind it. (A pointed one keeps its unclaimed ids for the next.)
      isBacklog = isFull && free > 0 && claimed.length === free;
      if (isBacklog) wantFull = true;
      isPointedBacklog = !isFull && free > 0 && claimed.length === free;
      for (const d of claimed) start(d);
    }
  } finally {
    kickListeners.delete(onKick);
  }
}

const DELIVER_EVENTS_SOURCE = "deliver-events";

/** The worker's source (lib/jobs/worker.ts): started with the other sources in lib/start-portal.ts. */
export function deliverEventsSource(opts: () => DeliveryOptions = () => deliveryOptionsOf(getEnv())): WorkSource {
  return {
    name: DELIVER_EVENTS_SOURCE,
    // deliverDueEvents returns only once nothing was claimable: running it again at once would cost a claim that finds
    // nothing. A kick that arrives while it stops makes the worker run it once more (kickSource).
    run: async (db, workerId) => {
      const o = opts();
      deliverer = { workerId, leaseMs: leaseMsOf(o), concurrency: o.concurrency ?? DELIVERY_CONCURRENCY };
      await deliverDueEvents(db, workerId, o);
      return 0;
    },
  };
}

/**
 * Tells this process's deliverer that a commit wrote deliveries, so they go
 * out at once rather than at the next poll. A running deliverer only notes it:
 * however many kicks arrive, its next statement (at most one per
 * MIN_STATEMENT_GAP_MS) claims for all of them. An idle one is started
 * without a job tick. No database work here: every callback calls it.
 */
export function kickDeliveries(): void {
  if (kickListeners.size === 0) kickSource(DELIVER_EVENTS_SOURCE);
  else for (const listener of kickListeners) listener("written");
}

/**
 * kickDeliveries after a commit that may or may not have written events (every
 * callback): only while ids of written events are waiting to be claimed. A
 * commit that wrote none, or whose deliveries were handed over, costs nothing;
 * a kick without ids would ask for a full claim.
 */
export function kickDeliveriesIfWritten(): void {
  if (hasHints()) kickDeliveries();
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
