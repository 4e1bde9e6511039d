// The in-process job worker, started once per app instance (instrumentation.ts).
// It polls the queue, can be woken early by kickWorker(), and tells waiters in
// this process when a job is done (a newInstance call may wait briefly for its
// provisioning job before it answers 000004).
import { EventEmitter } from "node:events";
import { hostname } from "node:os";
import { randomUUID } from "node:crypto";
import { getDb, type Db } from "@/lib/db";
import { describeError } from "@/lib/errors";
import {
  claimJobs,
  completeJob,
  ensureRecurringJobs,
  failJob,
  recurringPeriodOf,
  rescheduleRecurringJob,
  type JobKind,
  type JobRow,
  type RecurringJob,
} from "@/lib/jobs/queue";

export class PermanentJobError extends Error {
  override name = "PermanentJobError";
}

export type JobHandler = (db: Db, payload: unknown, job: JobRow) => Promise<void>;

type WorkerState = {
  id: string;
  timer?: NodeJS.Timeout;
  wake?: () => void;
  stopped: boolean;
  running?: Promise<void>;
  /** Starts one work source now, or has it run again when it is already running (kickSource). */
  startSource?: (name: string) => void;
  lastPollAt?: Date;
  lastError?: string;
};

const g = globalThis as unknown as { __portalWorker?: WorkerState; __portalJobEvents?: EventEmitter };

/** Emits `job:<id>` and `<kind>:<key>` ("provision-instance:<instanceId>") when a job finishes. */
export const jobEvents: EventEmitter = (g.__portalJobEvents ??= new EventEmitter().setMaxListeners(0));

export function kickWorker(): void {
  g.__portalWorker?.wake?.();
}

/**
 * Starts the named work source of this process's worker without a job tick
 * (no job claim): new work for it was just committed here. A source already
 * draining runs once more after it reports nothing done, so a kick that
 * arrives while it is finishing is not lost. Does nothing without a worker.
 */
export function kickSource(name: string): void {
  const w = g.__portalWorker;
  if (w && !w.stopped) w.startSource?.(name);
}

export function workerStatus(): { isRunning: boolean; id?: string; lastPollAt?: Date; lastError?: string } {
  const w = g.__portalWorker;
  return { isRunning: Boolean(w && !w.stopped), id: w?.id, lastPollAt: w?.lastPollAt, lastError: w?.lastError };
}

/**
 * Durable work kept in a table of its own rather than in Job rows (event
 * deliveries, which are claimed in order per subject): a tick starts it when it
 * is not already running, and it runs until it reports nothing done, beside
 * the job queue rather than holding up its next tick.
 */
export type WorkSource = { name: string; run(db: Db, workerId: string): Promise<number> };

export type WorkerOptions = {
  handlers: Partial<Record<JobKind, JobHandler>>;
  pollMs: number;
  retryBaseMs: number;
  leaseMs?: number;
  batch?: number;
  /** Periodic housekeeping (nonce expiry, retention) run at most once a minute. */
  housekeeping?: (db: Db) => Promise<unknown>;
  /** Jobs that run once per period across all app instances (lib/jobs/queue.ts). */
  recurring?: RecurringJob[];
  sources?: WorkSource[];
};

export function startWorker(opts: WorkerOptions): void {
  if (g.__portalWorker && !g.__portalWorker.stopped) return;
  const state: WorkerState = { id: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`, stopped: false };
  g.__portalWorker = state;
  let lastHousekeeping = 0;

  const runJob = async (db: Db, job: JobRow) => {
    const handler = opts.handlers[job.kind];
    const everyMs = recurringPeriodOf(job);
    try {
      if (!handler) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      await handler(db, job.payload, job);
      if (everyMs !== undefined) await rescheduleRecurringJob(db, job, state.id, everyMs);
      else await completeJob(db, job, state.id);
      jobEvents.emit(`job:${job.id}`, "done");
    } catch (error) {
      if (everyMs !== undefined) {
        console.error(`[jobs] ${job.kind} failed: ${describeError(error)}`);
        await rescheduleRecurringJob(db, job, state.id, everyMs, describeError(error));
        jobEvents.emit(`job:${job.id}`, "retry");
        return;
      }
      const outcome = await failJob(db, job, state.id, describeError(error), {
        baseMs: opts.retryBaseMs,
        isPermanent: error instanceof PermanentJobError,
      });
      jobEvents.emit(`job:${job.id}`, outcome);
    }
  };

  let isScheduled = false;
  // Sources kicked while draining: they run once more before they stop.
  const rerun = new Set<string>();
  const drainSource = async (db: Db, source: WorkSource) => {
    try {
      while (!state.stopped && ((await source.run(db, state.id)) > 0 || rerun.delete(source.name)));
    } catch (error) {
      console.error(`[jobs] ${source.name} failed: ${describeError(error)}`);
    }
  };
  // A source drains on its own, not inside the tick: a steady stream of deliveries (or a slow endpoint) would otherwise
  // keep the tick from returning, and jobs queued meanwhile (provisioning) would wait for it. A tick starts each source
  // that is not already draining.
  const draining = new Map<string, Promise<void>>();
  const startSource = (db: Db, source: WorkSource) => {
    if (draining.has(source.name)) return void rerun.add(source.name);
    rerun.delete(source.name);
    draining.set(
      source.name,
      drainSource(db, source).finally(() => draining.delete(source.name)),
    );
  };
  const startSources = (db: Db) => {
    for (const source of opts.sources ?? []) if (!draining.has(source.name)) startSource(db, source);
  };
  state.startSource = (name) => {
    const source = opts.sources?.find((s) => s.name === name);
    if (!source || state.stopped) return;
    if (draining.has(name)) return void rerun.add(name);
    void getDb().then(
      (db) => {
        if (!state.stopped) startSource(db, source);
      },
      (error: unknown) => console.error(`[jobs] ${name} could not start: ${describeError(error)}`),
    );
  };

  const tick = async () => {
    const db = await getDb();
    state.lastPollAt = new Date();
    if (!isScheduled && opts.recurring?.length) {
      await ensureRecurringJobs(db, opts.recurring);
      isScheduled = true;
    }
    const drainJobs = async () => {
      for (;;) {
        const jobs = await claimJobs(db, state.id, opts.batch ?? 8, opts.leaseMs ?? 5 * 60 * 1000);
        if (jobs.length === 0) break;
        await Promise.all(jobs.map((job) => runJob(db, job)));
      }
    };
    startSources(db);
    await drainJobs();
    if (opts.housekeeping && Date.now() - lastHousekeeping > 60_000) {
      lastHousekeeping = Date.now();
      await opts.housekeeping(db);
    }
  };

  const loop = async () => {
    while (!state.stopped) {
      try {
        await tick();
        state.lastError = undefined;
      } catch (error) {
        state.lastError = describeError(error);
        console.error(`[jobs] poll failed: ${state.lastError}`);
      }
      await new Promise<void>((resolve) => {
        state.wake = resolve;
        state.timer = setTimeout(resolve, opts.pollMs);
      });
      clearTimeout(state.timer);
    }
    await Promise.all(draining.values());
  };
  state.running = loop();
}

export async function stopWorker(): Promise<void> {
  const w = g.__portalWorker;
  if (!w) return;
  w.stopped = true;
  w.wake?.();
  await w.running;
}
