// Closed-loop load generator: `concurrency` workers, each sending its next
// request as soon as the previous answer arrived, over a keep-alive node:http
// agent. node:http rather than fetch because it costs less CPU per request,
// and the generator shares the machine's cores with the server under test.
import http from "node:http";
import { performance } from "node:perf_hooks";

export type LoadRequest = { url: string; method: string; headers: Record<string, string>; body?: string };

export type LoadOptions = {
  concurrency: number;
  /** Stop issuing after this long (measured phase); one of durationMs/requests is required. */
  durationMs?: number;
  /** Or stop after this many measured requests. */
  requests?: number;
  /** Called per request, lazily: V2 signatures carry a timestamp and a single-use nonce. */
  makeRequest: (i: number) => LoadRequest;
  check: (status: number, bodyText: string) => boolean;
  /** Requests sent (same concurrency) before measuring: JIT, pools, caches. */
  warmupRequests?: number;
  timeoutMs?: number;
};

export type LoadResult = {
  /** Completed measured requests, OK or not. */
  requests: number;
  errors: number;
  /** Successful requests per second over the measured phase. */
  rps: number;
  p50: number;
  p99: number;
  max: number;
  /** CPU this process (the generator) used, in % of one core: what it took from the server. */
  clientCpu: number;
  /** First failure seen, to make a broken server obvious in the output. */
  firstError?: string;
  /** What the figures above were computed from, so loads can be pooled (combineLoads). */
  ok: number;
  elapsedMs: number;
  /** Every measured request's latency in ms, ascending. */
  latencies: Float64Array;
};

type Answer = { status: number; body: string };

function send(agent: http.Agent, req: LoadRequest, timeoutMs: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = req.body === undefined ? req.headers : { ...req.headers, "content-length": String(Buffer.byteLength(req.body)) };
    const r = http.request(req.url, { method: req.method, headers, agent }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
      res.on("error", reject);
    });
    r.setTimeout(timeoutMs, () => r.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    r.on("error", reject);
    r.end(req.body);
  });
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function summarize(sorted: Float64Array, errors: number, ok: number, elapsedMs: number, cpuMs: number, firstError: string | undefined): LoadResult {
  return {
    requests: sorted.length,
    errors,
    rps: elapsedMs > 0 ? (ok * 1000) / elapsedMs : 0,
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    max: sorted[sorted.length - 1] ?? 0,
    clientCpu: elapsedMs > 0 ? (100 * cpuMs) / elapsedMs : 0,
    ...(firstError === undefined ? {} : { firstError }),
    ok,
    elapsedMs,
    latencies: sorted,
  };
}

/**
 * Several loads of the same server and activity as one: throughput over their
 * summed measured time, percentiles over all their latencies together.
 */
export function combineLoads(results: LoadResult[]): LoadResult {
  const latencies = new Float64Array(results.reduce((n, r) => n + r.latencies.length, 0));
  let at = 0;
  for (const r of results) {
    latencies.set(r.latencies, at);
    at += r.latencies.length;
  }
  const sum = (f: (r: LoadResult) => number) => results.reduce((n, r) => n + f(r), 0);
  const cpuMs = sum((r) => (r.clientCpu * r.elapsedMs) / 100);
  return summarize(
    latencies.sort(),
    sum((r) => r.errors),
    sum((r) => r.ok),
    sum((r) => r.elapsedMs),
    cpuMs,
    results.find((r) => r.firstError)?.firstError,
  );
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  if (opts.durationMs === undefined && opts.requests === undefined) throw new Error("runLoad: durationMs or requests is required");
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency, maxFreeSockets: opts.concurrency });
  let next = 0; // request index, shared by warmup and measured phase so ids never repeat

  type Phase = { latencies: number[]; errors: number; ok: number; firstError?: string };
  const phase = async (shouldContinue: (sent: number) => boolean): Promise<Phase & { elapsedMs: number }> => {
    const p: Phase = { latencies: [], errors: 0, ok: 0 };
    let sent = 0;
    const started = performance.now();
    const worker = async () => {
      while (shouldContinue(sent)) {
        sent++;
        const req = opts.makeRequest(next++);
        const t0 = performance.now();
        let failure: string | undefined;
        try {
          const a = await send(agent, req, timeoutMs);
          if (!opts.check(a.status, a.body)) failure = `HTTP ${a.status}: ${a.body.slice(0, 200)}`;
        } catch (error) {
          failure = error instanceof Error ? error.message : String(error);
        }
        p.latencies.push(performance.now() - t0);
        if (failure === undefined) {
          p.ok++;
        } else {
          p.errors++;
          p.firstError ??= failure;
          // A dead server answers instantly; do not spin the CPU we share with it.
          if (!failure.startsWith("HTTP")) await sleep(10);
        }
      }
    };
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
    return { ...p, elapsedMs: performance.now() - started };
  };

  try {
    const warmup = opts.warmupRequests ?? 0;
    if (warmup > 0) await phase((sent) => sent < warmup);

    const deadline = opts.durationMs === undefined ? Infinity : performance.now() + opts.durationMs;
    const limit = opts.requests ?? Infinity;
    const cpu = process.cpuUsage();
    const m = await phase((sent) => sent < limit && performance.now() < deadline);
    const used = process.cpuUsage(cpu);

    const cpuMs = (used.user + used.system) / 1000;
    return summarize(Float64Array.from(m.latencies).sort(), m.errors, m.ok, m.elapsedMs, cpuMs, m.firstError);
  } finally {
    agent.destroy();
  }
}

export type RateLoadOptions = {
  /** Requests per second, sent on schedule whatever the answers take. */
  rps: number;
  durationMs: number;
  makeRequest: (i: number) => LoadRequest;
  check: (status: number, bodyText: string) => boolean;
  timeoutMs?: number;
};

/**
 * Open-loop load: request i is due at start + i / rps and is sent then, even
 * while earlier ones wait; its latency counts from when it was due. A closed
 * loop (runLoad) stops sending while the server stalls, so a stall of seconds
 * delays only a handful of requests and hides from every percentile
 * ("coordinated omission"); here every request due during a stall waits it out.
 */
export async function runRateLoad(opts: RateLoadOptions): Promise<LoadResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 256 });
  const intervalMs = 1000 / opts.rps;
  const total = Math.floor((opts.durationMs / 1000) * opts.rps);
  const latencies: number[] = [];
  let ok = 0;
  let errors = 0;
  let firstError: string | undefined;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  try {
    for (let i = 0; i < total; i++) {
      const due = started + i * intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const req = opts.makeRequest(i);
      inFlight.push(
        send(agent, req, timeoutMs).then(
          (a) => {
            latencies.push(performance.now() - due);
            if (opts.check(a.status, a.body)) ok++;
            else {
              errors++;
              firstError ??= `HTTP ${a.status}: ${a.body.slice(0, 200)}`;
            }
          },
          (error: unknown) => {
            latencies.push(performance.now() - due);
            errors++;
            firstError ??= error instanceof Error ? error.message : String(error);
          },
        ),
      );
    }
    await Promise.all(inFlight);
    const used = process.cpuUsage(cpu);
    return summarize(Float64Array.from(latencies).sort(), errors, ok, performance.now() - started, (used.user + used.system) / 1000, firstError);
  } finally {
    agent.destroy();
  }
}
