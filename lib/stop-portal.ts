// Shutdown of the production server (server.ts) on SIGTERM or SIGINT:
// health turns not-ready at once (load balancers stop sending), the listener
// stops accepting, calls in flight finish (a callback that already changed
// data must also write its log row and answer), the job worker stops after
// its current jobs, counted refusals are written out, and the database is
// closed (PGlite included: it flushes its files) before the process exits.
// Every step has a deadline, so a deploy is never held up by one stuck call.
import type { Server } from "node:http";
import { flushRefusalCounts } from "@/lib/callbacks/refuse-call";
import { closeDb } from "@/lib/db";
import { describeError } from "@/lib/errors";
import { stopWorker } from "@/lib/jobs/worker";

const g = globalThis as unknown as { __portalShuttingDown?: boolean };

/** True from the moment shutdown begins: /api/health answers 503 so no new traffic is sent here. */
export function isShuttingDown(): boolean {
  return g.__portalShuttingDown === true;
}

/** How long requests in flight may take to finish before their connections are cut. */
const IN_FLIGHT_GRACE_MS = 10_000;
/** How long the job worker may take to finish the jobs it is running. */
const WORKER_GRACE_MS = 10_000;

function within<T>(ms: number, work: Promise<T>, what: string): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      console.warn(`[portal] shutdown: ${what} did not finish within ${ms / 1000} s`);
      resolve(undefined);
    }, ms);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

export async function stopPortal(server: Server): Promise<void> {
  if (g.__portalShuttingDown) return;
  g.__portalShuttingDown = true;
  console.log("[portal] shutting down: finishing requests in flight");
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections with no request in flight would hold close() for their whole idle timeout.
  server.closeIdleConnections();
  const sweeper = setInterval(() => server.closeIdleConnections(), 100);
  await within(IN_FLIGHT_GRACE_MS, closed, "requests in flight");
  clearInterval(sweeper);
  server.closeAllConnections();
  await within(WORKER_GRACE_MS, stopWorker(), "the job worker");
  await flushRefusalCounts().catch((error: unknown) => console.error(`[portal] shutdown: ${describeError(error)}`));
  await closeDb().catch((error: unknown) => console.error(`[portal] shutdown: closing the database failed: ${describeError(error)}`));
  console.log("[portal] stopped");
}
