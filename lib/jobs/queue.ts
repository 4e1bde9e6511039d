// A durable job queue in the database. Jobs are claimed with
// FOR UPDATE SKIP LOCKED and a lease: each runs on one app instance at a time,
// a crashed run is taken up again when its lease ends, and pending jobs simply
// wait in the table across restarts.
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import type { InsertRow } from "@/lib/sql/insert-row";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { NOW_UTC } from "@/lib/sql/now-utc";
import type { Prisma } from "@/lib/generated/prisma/client";

export type JobKind = "provision-instance" | "fetch-order" | "evaluate-alerts" | "send-alert";

/**
 * A job that runs once per period across every app instance: one row per kind
 * (dedupeKey `recurring:<kind>`), claimed like any job (so one instance runs
 * it at a time) and put back to PENDING for the next period when it finishes,
 * whether it succeeded or not. This is the scheduler: no second one.
 */
export type RecurringJob = { kind: JobKind; everyMs: number };

export type JobRow = {
  id: string;
  kind: JobKind;
  payload: Prisma.JsonValue;
  attempts: number;
  maxAttempts: number;
};

export type EnqueueInput = {
  kind: JobKind;
  payload: Prisma.InputJsonValue;
  /** A second enqueue with the same key is ignored (ON CONFLICT DO NOTHING). */
  dedupeKey?: string;
  runAt?: Date;
  maxAttempts?: number;
};

const DEFAULT_MAX_ATTEMPTS = 20;

/** The same job as a row for a single-statement insert (lib/sql/insert-sql.ts). */
export function jobInsertRow(job: EnqueueInput, now: Date): InsertRow<"Job"> {
  return {
    id: randomUUID(),
    kind: job.kind,
    dedupeKey: job.dedupeKey ?? null,
    payload: { json: job.payload },
    status: { enumType: "JobStatus", value: "PENDING" },
    attempts: 0,
    maxAttempts: job.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    runAt: job.runAt ?? now,
    createdAt: now,
    updatedAt: now,
  };
}

export async function enqueueJobs(db: Tx | Db, jobs: EnqueueInput[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.job.createMany({
    data: jobs.map((j) => ({
      kind: j.kind,
      payload: j.payload,
      dedupeKey: j.dedupeKey ?? null,
      runAt: j.runAt ?? new Date(),
      maxAttempts: j.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
    })),
    skipDuplicates: true,
  });
}

/**
 * Claims up to `limit` due jobs for this worker. The clock is the database's,
 * one for every app instance, read as UTC like the columns (a bare now() would
 * be compared through the session's zone: ADR 0002).
 */
export async function claimJobs(db: Db, workerId: string, limit: number, leaseMs: number): Promise<JobRow[]> {
  // SKIP LOCKED: concurrent workers each take other jobs instead of queueing behind one another's locks.
  return runSql<JobRow>(
    db,
    sql`UPDATE "Job" SET status = 'RUNNING', "lockedBy" = ${workerId}, "lockedUntil" = ${NOW_UTC} + (${leaseMs} * interval '1 millisecond'),
            attempts = attempts + 1, "updatedAt" = ${NOW_UTC}
      WHERE id IN (
        SELECT id FROM "Job"
         WHERE (status = 'PENDING' AND "runAt" <= ${NOW_UTC}) OR (status = 'RUNNING' AND "lockedUntil" < ${NOW_UTC})
         ORDER BY "runAt"
         LIMIT ${limit}
         FOR UPDATE SKIP LOCKED)
      RETURNING id, kind, payload, attempts, "maxAttempts"`,
  );
}

export async function completeJob(db: Db, job: JobRow, workerId: string): Promise<void> {
  await db.job.updateMany({
    where: { id: job.id, lockedBy: workerId },
    data: { status: "DONE", finishedAt: new Date(), lockedUntil: null, lastError: null },
  });
}

/** Exponential backoff with a cap; a job past its attempts is DEAD (shown on the settings page). */
export function nextRetryDelayMs(attempts: number, baseMs: number, capMs = 60 * 60 * 1000): number {
  return Math.min(capMs, baseMs * 2 ** Math.max(0, attempts - 1));
}

export async function failJob(
  db: Db,
  job: JobRow,
  workerId: string,
  error: string,
  opts: { baseMs: number; isPermanent?: boolean },
): Promise<"retry" | "dead"> {
  const isDead = opts.isPermanent === true || job.attempts >= job.maxAttempts;
  await db.job.updateMany({
    where: { id: job.id, lockedBy: workerId },
    data: isDead
      ? { status: "DEAD", lastError: error.slice(0, 1000), lockedUntil: null, finishedAt: new Date() }
      : {
          status: "PENDING",
          lastError: error.slice(0, 1000),
          lockedUntil: null,
          runAt: new Date(Date.now() + nextRetryDelayMs(job.attempts, opts.baseMs)),
        },
  });
  return isDead ? "dead" : "retry";
}

const RECURRING_PREFIX = "recurring:";

/** Whether a claimed job is a recurring one, and its period. */
export function recurringPeriodOf(job: Pick<JobRow, "payload">): number | undefined {
  const payload = job.payload as { recurringEveryMs?: unknown } | null;
  return typeof payload?.recurringEveryMs === "number" ? payload.recurringEveryMs : undefined;
}

/**
 * Makes sure each recurring job has its row (every app instance calls this on
 * start; the unique dedupeKey keeps one). A changed period is taken; a row
 * left DONE or DEAD by an older version is put back in the schedule.
 */
export async function ensureRecurringJobs(db: Db, jobs: RecurringJob[]): Promise<void> {
  for (const job of jobs) {
    const payload = JSON.stringify({ recurringEveryMs: job.everyMs });
    await runSql(
      db,
      sql`INSERT INTO "Job" (id, kind, "dedupeKey", payload, status, attempts, "maxAttempts", "runAt", "createdAt", "updatedAt")
          VALUES (${randomUUID()}, ${job.kind}, ${RECURRING_PREFIX + job.kind}, ${payload}::jsonb, 'PENDING', 0, 1, ${NOW_UTC}, ${NOW_UTC}, ${NOW_UTC})
          ON CONFLICT ("dedupeKey") DO UPDATE SET payload = EXCLUDED.payload,
            status = CASE WHEN "Job".status IN ('DONE', 'DEAD') THEN 'PENDING'::"JobStatus" ELSE "Job".status END,
            "updatedAt" = ${NOW_UTC}
          RETURNING 1 AS ok`,
    );
  }
}

/** A recurring job's run is over: the next one is due a period from now (the database's clock). */
export async function rescheduleRecurringJob(db: Db, job: JobRow, workerId: string, everyMs: number, error?: string): Promise<void> {
  await runSql(
    db,
    sql`UPDATE "Job" SET status = 'PENDING', attempts = 0, "lockedBy" = NULL, "lockedUntil" = NULL, "lastError" = ${error?.slice(0, 1000) ?? null},
            "runAt" = ${NOW_UTC} + (${everyMs} * interval '1 millisecond'), "updatedAt" = ${NOW_UTC}
      WHERE id = ${job.id} AND "lockedBy" = ${workerId} RETURNING 1 AS ok`,
  );
}
