// Large callback bodies (over 64 KiB: only the Kit's org and user syncs are
// that large) have their signature checked on a worker thread before anything
// else reads them: parsing and re-serialising 15 MiB takes a few hundred
// milliseconds, which on the event loop would hold every other call (ADR 0007).
// A body that no key signed is refused without ever being parsed on the main
// thread; one that verifies goes through the pipeline as any call does.
//
// Only the node:http adapter (serve-node-callback.ts, loaded by the production
// server, server.ts, under tsx) uses this: a Next.js bundle must never
// import it (its bundler would try to trace the worker's files), and the app/
// route files check inline (serve-callback.ts).
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { describeError } from "@/lib/errors";
import { checkLargeBody, type LargeBodyCheck, type LargeBodyVerdict } from "@/lib/callbacks/large-body-check";

/** Checks waiting for the worker at most; past it (a crowd of senders) bodies are checked inline against their raw form only. */
const MAX_QUEUED = 16;

type Pending = { resolve: (v: LargeBodyVerdict) => void; reject: (e: Error) => void };
type WorkerState = { worker: Worker | null; nextId: number; pending: Map<number, Pending> };

const g = globalThis as unknown as { __portalLargeBodyWorker?: WorkerState };

function workerFile(): string | undefined {
  const here = fileURLToPath(import.meta.url);
  if (!here.endsWith(".ts")) return undefined;
  const file = path.join(path.dirname(here), "large-body-worker.mjs");
  return existsSync(file) ? file : undefined;
}

function state(): WorkerState {
  if (g.__portalLargeBodyWorker) return g.__portalLargeBodyWorker;
  const s: WorkerState = { worker: null, nextId: 1, pending: new Map() };
  g.__portalLargeBodyWorker = s;
  const file = workerFile();
  if (!file) return s;
  try {
    // A plain module that registers tsx on the thread, then loads large-body-worker.ts.
    const worker = new Worker(file);
    worker.on("message", (m: { id: number; verdict?: LargeBodyVerdict; error?: string }) => {
      const p = s.pending.get(m.id);
      if (!p) return;
      s.pending.delete(m.id);
      // Held only while a check is waiting: an idle worker never keeps the process alive.
      if (s.pending.size === 0) worker.unref();
      if (m.verdict) p.resolve(m.verdict);
      else p.reject(new Error(m.error ?? "large-body worker failed"));
    });
    const fail = (error: Error) => {
      console.error(`[callbacks] large-body worker stopped: ${describeError(error)}`);
      for (const p of s.pending.values()) p.reject(error);
      s.pending.clear();
      // The next large body starts a new worker.
      g.__portalLargeBodyWorker = undefined;
    };
    worker.on("error", fail);
    worker.on("exit", (code) => {
      if (g.__portalLargeBodyWorker === s) fail(new Error(`exited with ${code}`));
    });
    // After the listeners (adding one refs the worker again); ref'd while a check waits.
    worker.unref();
    s.worker = worker;
  } catch (error) {
    console.error(`[callbacks] no large-body worker (checking inline): ${describeError(error)}`);
  }
  return s;
}

/** Which key signed a large body, off the event loop where possible. */
export async function checkLargeBodyOffThread(check: LargeBodyCheck): Promise<LargeBodyVerdict> {
  const s = state();
  if (!s.worker) return checkLargeBody(check);
  if (s.pending.size >= MAX_QUEUED) return checkLargeBody({ ...check, isRawOnly: true });
  const id = s.nextId++;
  return new Promise<LargeBodyVerdict>((resolve, reject) => {
    s.pending.set(id, { resolve, reject });
    s.worker?.ref();
    s.worker?.postMessage({ id, check });
  }).catch(() => checkLargeBody({ ...check, isRawOnly: true }));
}
