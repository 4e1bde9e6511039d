// Retention (ADR 0003): housekeeping deletes the rows nobody needs any more,
// so anyone able to reach the callback endpoints (a refused call is logged
// too) or the sign-in page cannot fill the database for good. Each batch is
// one short statement that picks at most `batchSize` rows through an index and
// deletes them by primary key, so no statement holds its row locks or the
// table's WAL for long; a run stops at its time budget and the next run (a
// minute later) goes on. A table that is up to date costs one probe: the first
// batch deletes fewer rows than the batch size and the table is done.
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { executeSql, rawSql, runSql, sql, type Sql } from "@/lib/sql/insert-sql";
import type { TableName } from "@/lib/sql/insert-row";

const MINUTE_MS = 60 * 1000;
const DAY_MS = 24 * 60 * MINUTE_MS;

export const PRUNE_BATCH_SIZE = 1000;
/** Housekeeping runs inside the job worker's poll: it must not hold the queue up for long. */
export const PRUNE_BUDGET_MS = 2000;

/** How long each kind of row is kept, in milliseconds. */
export type RetentionPolicy = Record<
  "callbackLogMs" | "refusedCallbackLogMs" | "doneJobMs" | "deadJobMs" | "auditMs" | "signInAttemptMs" | "nonceMs" | "merchantEventMs" | "alertMs",
  number
>;

/**
 * How long a nonce must be kept: a replay is refused only while its nonce is
 * stored. V2 and Kit timestamps are good for ±60 s, so ten minutes is ample.
 * V1 tokens (stored with a `v1:` key) are good for ±KOOGALLERY_V1_MAX_SKEW_SECONDS:
 * a token first seen at the start of its window can be replayed until the
 * window's end, 2 × skew later. The extra minute covers app instances and the
 * database whose clocks disagree a little (the row is stamped by one
 * instance's clock, the cut-off taken from another's).
 */
export function nonceRetentionMs(v1MaxSkewMs: number): number {
  return Math.max(10 * MINUTE_MS, 2 * v1MaxSkewMs + MINUTE_MS);
}

export function retentionPolicyOf(env: Pick<Env, "retention" | "v1MaxSkewMs">): RetentionPolicy {
  const { callbackLogDays, refusedCallbackLogDays, jobDays, auditDays } = env.retention;
  return {
    callbackLogMs: callbackLogDays * DAY_MS,
    refusedCallbackLogMs: refusedCallbackLogDays * DAY_MS,
    doneJobMs: jobDays * DAY_MS,
    // A DEAD job waits for a person (the dashboard lists it): kept as long as the calls that led to it.
    deadJobMs: callbackLogDays * DAY_MS,
    auditMs: auditDays * DAY_MS,
    // The sign-in limit looks back 15 minutes (lib/staff/rate-limit.ts); a day is what its own sweep keeps.
    signInAttemptMs: DAY_MS,
    nonceMs: nonceRetentionMs(env.v1MaxSkewMs),
    // Events, their deliveries and attempts, and resolved alerts are the record of what the calls caused: kept as long.
    merchantEventMs: callbackLogDays * DAY_MS,
    alertMs: callbackLogDays * DAY_MS,
  };
}

/** One kind of row: deletes one batch of it and says how many rows went. */
type PruneRule = { label: string; deleteBatch(limit: number): Promise<number> };

/** Verification outcomes of calls that were let in; every other one (BAD_SIGNATURE, COUNTED, …) is a refused call. */
const ADMITTED_VERIFICATIONS = ["OK", "RETRY"];

/**
 * `DELETE … WHERE key = ANY(ARRAY(<pick>))`: the pick runs once, as an init
 * plan, and the rows go through the primary key. `key IN (<pick>)` let the
 * planner hash-join the pick with a sequential scan of the whole table.
 * The pick is `WHERE <filter> AND <column> < cutoff [ORDER BY <column>] LIMIT n`.
 */
function deleteBatchSql(table: TableName, key: string, pick: { filter?: Sql; column: string; before: Date; isOrdered: boolean; limit: number }): Sql {
  const t = rawSql(`"${table}"`);
  const k = rawSql(key);
  const column = rawSql(`"${pick.column}"`);
  const filter = pick.filter ? sql`${pick.filter} AND ` : rawSql("");
  const order = pick.isOrdered ? sql` ORDER BY ${column}` : rawSql("");
  return sql`DELETE FROM ${t} WHERE ${k} = ANY (ARRAY(SELECT ${k} FROM ${t} WHERE ${filter}${column} < ${pick.before}${order} LIMIT ${pick.limit}::int))`;
}

/**
 * The verification values in the log, through CallbackLog(verification,
 * receivedAt): one index probe per distinct value (a loose index scan), not a
 * pass over the rows. Read each run, so a value added later (a refusal kind
 * this code does not know) is pruned with the refused calls.
 */
async function findRefusedVerifications(db: Db): Promise<string[]> {
  const rows = await runSql<{ value: string }>(
    db,
    sql`WITH RECURSIVE v(value) AS (
       SELECT min(verification) FROM "CallbackLog"
       UNION ALL
       SELECT (SELECT min(verification) FROM "CallbackLog" WHERE verification > v.value) FROM v WHERE v.value IS NOT NULL)
     SELECT value FROM v WHERE value IS NOT NULL AND NOT (value = ANY (${ADMITTED_VERIFICATIONS}::text[]))`,
  );
  return rows.map((r) => r.value);
}

async function pruneRulesOf(db: Db, policy: RetentionPolicy, now: Date): Promise<PruneRule[]> {
  // Bound as UTC wall time, like the columns (ADR 0002): never compared with the session's now().
  const before = (ms: number) => new Date(now.getTime() - ms);
  const rule = (label: string, table: TableName, pick: { filter?: Sql; column: string; retentionMs: number; isOrdered: boolean }, key = "id"): PruneRule => ({
    label,
    deleteBatch: (limit) => executeSql(db, deleteBatchSql(table, key, { ...pick, before: before(pick.retentionMs), limit })),
  });
  const refused = await findRefusedVerifications(db);
  return [
    // Oldest first, through CallbackLog(receivedAt DESC, id).
    rule("CallbackLog", "CallbackLog", { column: "receivedAt", retentionMs: policy.callbackLogMs, isOrdered: true }),
    // One rule per refused value, so each batch is a range of CallbackLog(verification, receivedAt);
    // with `verification <> ALL(…)` or `= ANY(…)` the planner read the table instead.
    ...refused.map((value) =>
      rule("CallbackLog refused", "CallbackLog", {
        filter: sql`verification = ${value}`,
        column: "receivedAt",
        retentionMs: policy.refusedCallbackLogMs,
        isOrdered: true,
      }),
    ),
    // Through Job(status, runAt): a job runs only once due, so runAt ≤ finishedAt
    // and the runAt bound leaves out nothing old enough (clocks that disagree only keep a job longer).
    ...(["DONE", "DEAD"] as const).map((status) => {
      const retentionMs = status === "DONE" ? policy.doneJobMs : policy.deadJobMs;
      const filter = sql`status = ${rawSql(`'${status}'`)} AND COALESCE("finishedAt", "updatedAt") < ${before(retentionMs)}`;
      return rule(`Job ${status}`, "Job", { filter, column: "runAt", retentionMs, isOrdered: true });
    }),
    rule("AuditEntry", "AuditEntry", { column: "createdAt", retentionMs: policy.auditMs, isOrdered: true }),
    // No index leads with createdAt in these two (Nonce by choice, ADR 0004;
    // SignInAttempt's is (key, createdAt)): the pick scans until it has `limit`
    // rows, unordered so it stops there. Both hold only minutes to a day of rows.
    rule("SignInAttempt", "SignInAttempt", { column: "createdAt", retentionMs: policy.signInAttemptMs, isOrdered: false }),
    rule("Nonce", "Nonce", { column: "createdAt", retentionMs: policy.nonceMs, isOrdered: false }, "nonce"),
    // An event still being delivered stays whatever its age; its deliveries and attempts go with it (cascade).
    rule("MerchantEvent", "MerchantEvent", {
      filter: sql`NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = "MerchantEvent".id AND d.status = 'PENDING')`,
      column: "occurredAt",
      retentionMs: policy.merchantEventMs,
      isOrdered: true,
    }),
    // An open alert stays until it is resolved; its notifications go with it.
    rule("Alert", "Alert", { filter: sql`"resolvedAt" IS NOT NULL`, column: "firedAt", retentionMs: policy.alertMs, isOrdered: true }),
  ];
}

export type PruneOptions = {
  /** The retention cut-offs are taken from this instant (default: now). */
  now?: Date;
  batchSize?: number;
  budgetMs?: number;
  /** Milliseconds for the budget (default performance.now; tests pass a fake one). */
  clock?: () => number;
};

export type PruneResult = {
  /** Rows deleted per kind (label), only kinds that lost rows. */
  pruned: Record<string, number>;
  total: number;
  /** False when the budget ran out with rows left: the next run goes on. */
  isComplete: boolean;
};

/**
 * Deletes rows past their retention in batches, one kind after the other in
 * turn (a backlog in one table does not hold up the others), until every kind
 * is done or the budget is spent. Each kind's first batch runs whatever the
 * budget, so none is starved by another's backlog; any further batch starts
 * only while the budget lasts.
 */
export async function pruneOldRows(db: Db, policy: RetentionPolicy, opts: PruneOptions = {}): Promise<PruneResult> {
  const clock = opts.clock ?? (() => performance.now());
  const deadline = clock() + (opts.budgetMs ?? PRUNE_BUDGET_MS);
  const limit = opts.batchSize ?? PRUNE_BATCH_SIZE;
  const queue = await pruneRulesOf(db, policy, opts.now ?? new Date());
  let firstBatches = queue.length;
  const pruned: Record<string, number> = {};
  let total = 0;
  while (queue.length > 0) {
    if (firstBatches > 0) firstBatches--;
    else if (clock() >= deadline) break;
    const rule = queue.shift()!;
    const count = await rule.deleteBatch(limit);
    if (count > 0) pruned[rule.label] = (pruned[rule.label] ?? 0) + count;
    total += count;
    // Fewer than a batch: nothing older is left (or another instance is pruning it).
    if (count >= limit) queue.push(rule);
  }
  return { pruned, total, isComplete: queue.length === 0 };
}
