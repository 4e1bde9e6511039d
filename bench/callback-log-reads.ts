// Section "callback-log-reads": the portal's callback log reads on PostgreSQL
// with 1,000,000 CallbackLog rows (90 days, realistic mix: mostly successes,
// rare failures, 20,000 instances, 2,000 tenants), called in-process (no HTTP)
// in a worker on a fresh database. Every list filter, first page and a deep
// keyset page, a tenant admin's scope, the detail, and a bulk-retry dry run.
// Target: p95 < 150 ms for each list query. PostgreSQL only (the target is
// for PostgreSQL; PGlite holds a demo's data, not a million rows).
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runWorkerProcess } from "./child";
import { createBenchDatabase } from "./pg";
import type { Section, SectionContext, TargetCheck } from "./report";

const FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(FILE), "..");
const WORKER_FLAG = "--callback-log-worker";
const RESULT_PREFIX = "CALLBACK_LOG_RESULT ";
const ROWS = Number(process.env.BENCH_CALLBACK_ROWS ?? 1_000_000);
const RUNS = 40;
const MAX_P95_MS = 150;
const WORKER_TIMEOUT_MS = 20 * 60_000;

type Measure = { name: string; kind: "list" | "other"; p50: number; p95: number; max: number; rows: number };
type WorkerResult = { rows: number; seedMs: number; measures: Measure[] };

// ------------------------------------------------------------------ worker (child process)

/** 1M rows in one INSERT … SELECT: spread over 90 days, ~2% failures, a few retries, test rows, V1 calls. */
const SEED_SQL = `
INSERT INTO "CallbackLog" (id, "receivedAt", endpoint, generation, activity, method, verification, "verificationInfo", "resultCode", "resultMsg",
  "latencyMs", "instanceId", "orderId", "orderLineId", "tenantId", "isTest", "requestMasked", "responseMasked", "requestSealed", "handlerNote")
SELECT gen_random_uuid()::text,
  -- Every 7.776 s over 90 days; every 50th row shares its neighbour's time (ties on receivedAt).
  now() - make_interval(secs => ((g - (g % 50 = 0)::int) * 7776000.0 / $1)),
  CASE WHEN k THEN 'kit/' || kit ELSE 'saas' END,
  (CASE WHEN g % 10 = 0 AND NOT k THEN 'V1' ELSE 'V2' END)::"Generation",
  CASE WHEN k THEN kit ELSE act END,
  CASE WHEN g % 10 = 0 AND NOT k THEN 'GET' ELSE 'POST' END,
  ver,
  jsonb_build_object('key', 'basic', 'form', 'top-sorted', 'skewMs', g % 900, 'nonce', md5(g::text)),
  code,
  CASE WHEN code = '000000' THEN 'success' ELSE 'failed' END,
  5 + g % 200,
  CASE WHEN g % 10 < 9 THEN 'inst-' || ((g / 10) % 20000) END,
  CASE WHEN act IN ('newInstance', 'refreshInstance', 'upgradeInstance', 'orderNotify') AND NOT k THEN 'CS' || ((g / 7) % 50000) END,
  CASE WHEN act IN ('newInstance', 'refreshInstance', 'upgradeInstance', 'orderNotify') AND NOT k THEN 'CS' || ((g / 7) % 50000) || '-000001' END,
  CASE WHEN k THEN 'tenant-' || ((g / 100) % 2000) END,
  g % 50 = 7,
  jsonb_build_object('path', '/api/koogallery/saas', 'query', jsonb_build_object('signature', md5(g::text), 'timestamp', g::text, 'nonce', md5((g + 1)::text)),
    'headers', jsonb_build_object('content-type', 'application/json'),
    'body', jsonb_build_object('activity', act, 'instanceId', 'inst-' || ((g / 10) % 20000), 'orderId', 'CS' || ((g / 7) % 50000), 'testFlag', '0')),
  '{"resultCode":"' || code || '","resultMsg":"success"}',
  CASE WHEN ver IN ('OK', 'RETRY') THEN 'v1.' || repeat(md5(g::text), 6) END,
  'bench row'
FROM (
  SELECT g,
    g % 100 >= 85 AS k,
    (ARRAY['tenantSync', 'applicationSync', 'authSync', 'singleOrgSync', 'allOrgSync'])[1 + g % 5] AS kit,
    (ARRAY['queryInstance', 'queryInstance', 'queryInstance', 'queryInstance', 'queryInstance', 'newInstance', 'newInstance', 'refreshInstance',
           'updateInstanceStatus', 'releaseInstance', 'orderNotify', 'upgradeInstance', 'queryInstance', 'refreshInstance', 'newInstance',
           'queryInstance', 'updateInstanceStatus', 'orderNotify', 'queryInstance', 'queryInstance'])[1 + (g / 7) % 20] AS act,
    CASE WHEN g % 1000 < 10 THEN 'BAD_SIGNATURE' WHEN g % 1000 < 17 THEN 'BAD_TIMESTAMP' WHEN g % 1000 < 20 THEN 'REPLAYED_NONCE'
         WHEN g % 1000 < 22 THEN 'MISSING_CREDENTIALS' WHEN g % 1000 = 22 THEN 'MALFORMED' ELSE 'OK' END AS ver,
    CASE WHEN g % 1000 < 20 THEN '000001' WHEN g % 1000 < 23 THEN '000002' WHEN g % 1000 < 33 THEN '000003'
         WHEN g % 1000 < 36 THEN '000004' WHEN g % 1000 < 38 THEN '000005' ELSE '000000' END AS code
  FROM generate_series(1, $1) AS g
) s`;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

async function runWorker(): Promise<void> {
  const { closeDb, getDb, getRawSql } = await import("@/lib/db");
  const { applyMigrations } = await import("@/lib/migrations");
  const { listCallbackLogs } = await import("@/lib/callbacks/list-callback-logs");
  const { ALL_CALLBACKS } = await import("@/lib/callbacks/callback-log-scope");
  const { getCallbackLog } = await import("@/lib/callbacks/get-callback-log");
  const { planBulkRetry } = await import("@/lib/callbacks/retry-matching-callbacks");
  const { encodeCursor } = await import("@/lib/tenants/page-cursor");
  type Filter = import("@/lib/callbacks/callback-log-filter").CallbackLogFilter;

  const raw = await getRawSql();
  await applyMigrations(raw);
  const db = await getDb();
  const seedStarted = performance.now();
  await raw.query(SEED_SQL, [ROWS]);
  // A few hundred staff retries, linked to failed calls.
  await raw.query(`UPDATE "CallbackLog" SET "retryOfId" = (SELECT id FROM "CallbackLog" f WHERE f."resultCode" = '000003' LIMIT 1), verification = 'RETRY'
                   WHERE id IN (SELECT id FROM "CallbackLog" WHERE "resultCode" = '000000' AND "instanceId" IS NOT NULL LIMIT 300)`);
  await raw.query(`ANALYZE "CallbackLog"`);
  const seedMs = performance.now() - seedStarted;

  const failedIds = (
    await raw.query<{ id: string }>(`SELECT id FROM "CallbackLog" WHERE "resultCode" = '000003' ORDER BY "receivedAt" DESC LIMIT ${RUNS}`)
  ).map((r) => r.id);
  const deepAt = new Date(Date.now() - 60 * 86_400_000);
  /** A real cursor from the middle of the history: after the newest row older than 60 days that matches. */
  const cursorAt = async (filter: Filter, scope: object = ALL_CALLBACKS.logs): Promise<string | undefined> => {
    const last = (await listCallbackLogs(db, scope, { ...filter, to: deepAt, limit: 1 })).items[0];
    return last ? encodeCursor([last.receivedAt.toISOString(), last.id]) : undefined;
  };

  const measures: Measure[] = [];
  async function measure(name: string, kind: Measure["kind"], fn: (i: number) => Promise<number>): Promise<void> {
    await fn(0);
    const times: number[] = [];
    let rows = 0;
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      rows = await fn(i);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    measures.push({ name, kind, p50: percentile(times, 50), p95: percentile(times, 95), max: times[times.length - 1] ?? 0, rows });
  }
  /** The deep page's cursor is found before the clock starts: only the page read is timed. */
  const list = async (name: string, filter: (i: number) => Filter, opts: { deep?: boolean } = {}) => {
    const cursors = opts.deep ? await Promise.all(Array.from({ length: RUNS }, (_, i) => cursorAt(filter(i)))) : [];
    await measure(
      `${name}${opts.deep ? " (deep page)" : ""}`,
      "list",
      async (i) => (await listCallbackLogs(db, ALL_CALLBACKS.logs, { ...filter(i), cursor: cursors[i], limit: 50 })).items.length,
    );
  };

  const dayStart = (i: number) => new Date(Date.now() - (30 + (i % 30)) * 86_400_000);
  await list("newest, no filter", () => ({}));
  await list("newest, no filter", () => ({}), { deep: true });
  await list("activity newInstance", () => ({ activity: "newInstance" }));
  await list("activity orderNotify", () => ({ activity: "orderNotify" }), { deep: true });
  await list("endpoint kit/authSync", () => ({ endpoint: "kit/authSync" }));
  await list("endpoint saas", () => ({ endpoint: "saas" }), { deep: true });
  await list("generation V1", () => ({ generation: "V1" }));
  await list("generation V1", () => ({ generation: "V1" }), { deep: true });
  await list("resultCode 000005 (rare)", () => ({ resultCode: "000005" }));
  await list("failed only", () => ({ failedOnly: true }));
  await list("failed only", () => ({ failedOnly: true }), { deep: true });
  await list("failed only + newInstance", () => ({ failedOnly: true, activity: "newInstance" }));
  await list("verification BAD_SIGNATURE", () => ({ verification: "BAD_SIGNATURE" }));
  await list("verification MALFORMED", () => ({ verification: "MALFORMED" }), { deep: true });
  await list("instanceId", (i) => ({ instanceId: `inst-${(i * 37) % 20000}` }));
  await list("orderId", (i) => ({ orderId: `CS${(i * 101) % 50000}` }));
  await list("tenantId", (i) => ({ tenantId: `tenant-${(i * 13) % 2000}` }));
  await list("search box (order/instance/tenant)", (i) => ({ q: `inst-${(i * 41) % 20000}` }));
  await list("one day, 30-60 days ago", (i) => ({ from: dayStart(i), to: new Date(dayStart(i).getTime() + 86_400_000) }));
  await list("one day + failed only", (i) => ({ from: dayStart(i), to: new Date(dayStart(i).getTime() + 86_400_000), failedOnly: true }));
  await list("retries only", () => ({ retriesOnly: true }));
  await list("include test", () => ({ includeTest: true }), { deep: true });
  await list("generation V1 + failed only (no index serves both)", () => ({ generation: "V1", failedOnly: true }));
  const tenantScope = (i: number) => ({ OR: [{ tenantId: `tenant-${i % 2000}` }, { instanceId: { in: [`inst-${i % 20000}`, `inst-${(i + 1) % 20000}`] } }] });
  for (const deep of [false, true]) {
    const cursors = deep ? await Promise.all(Array.from({ length: RUNS }, (_, i) => cursorAt({}, tenantScope(i)))) : [];
    await measure(
      `tenant admin scope${deep ? " (deep page)" : ""}`,
      "list",
      async (i) => (await listCallbackLogs(db, tenantScope(i), { cursor: cursors[i], limit: 50 })).items.length,
    );
  }
  await measure("detail of a failed call", "other", async (i) => ((await getCallbackLog(db, ALL_CALLBACKS, failedIds[i % failedIds.length]!)) ? 1 : 0));
  await measure(
    "bulk dry run, 1 day failed (limit 500)",
    "other",
    async (i) => (await planBulkRetry(db, {}, { from: dayStart(i), to: new Date(dayStart(i).getTime() + 86_400_000) }, 500)).items.length,
  );

  await closeDb();
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify({ rows: ROWS, seedMs, measures } satisfies WorkerResult)}\n`);
}

// ------------------------------------------------------------------ section (parent process)

async function measurePostgres(ctx: SectionContext): Promise<WorkerResult> {
  const dataDir = path.join(ctx.workDir, "callback-log-reads");
  mkdirSync(dataDir, { recursive: true });
  const pgDb = await createBenchDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ["DATABASE_URL", "DATA_DIR", "PORTAL_DEMO", "NODE_OPTIONS"]) delete env[k];
  try {
    return await runWorkerProcess<WorkerResult>({
      label: "worker",
      args: [FILE, WORKER_FLAG],
      cwd: ROOT,
      resultPrefix: RESULT_PREFIX,
      timeoutMs: WORKER_TIMEOUT_MS,
      env: {
        ...env,
        KOOGALLERY_ACCESS_KEY: `bench-${randomBytes(16).toString("hex")}`,
        PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
        JOBS_DISABLED: "1",
        DATA_DIR: dataDir,
        DATABASE_URL: pgDb.url,
      },
    });
  } finally {
    await pgDb.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function formatTable(r: WorkerResult): string[] {
  const header = ["query", "rows", "p50 ms", "p95 ms", "max ms"];
  const body = r.measures.map((m) => [m.name, String(m.rows), m.p50.toFixed(1), m.p95.toFixed(1), m.max.toFixed(1)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [
    `postgres: ${r.rows.toLocaleString("en")} rows seeded and analysed in ${(r.seedMs / 1000).toFixed(0)} s; ${RUNS} runs per query, 50 rows a page`,
    line(header),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...body.map(line),
  ];
}

export const callbackLogReads: Section = {
  name: "callback-log-reads",
  title: `callback log list/detail/bulk-plan in-process on PostgreSQL with ${ROWS.toLocaleString("en")} rows`,
  async run(ctx) {
    if (!ctx.engines.includes("postgres"))
      return {
        rows: [],
        lines: ["PostgreSQL not run: this section measures PostgreSQL only"],
        targets: [{ name: `list p95 < ${MAX_P95_MS} ms`, met: undefined, detail: "PostgreSQL not run" }],
        failures: [],
      };
    let result: WorkerResult;
    try {
      console.log("postgres: seeding and measuring ...");
      result = await measurePostgres(ctx);
    } catch (error) {
      return { rows: [], lines: [], targets: [], failures: [error instanceof Error ? error.message : String(error)] };
    }
    const lists = result.measures.filter((m) => m.kind === "list");
    const worst = lists.reduce((a, b) => (b.p95 > a.p95 ? b : a), lists[0]!);
    const targets: TargetCheck[] = [
      {
        name: `postgres every callback-log list query p95 < ${MAX_P95_MS} ms (${result.rows.toLocaleString("en")} rows)`,
        met: worst.p95 < MAX_P95_MS,
        detail: `worst ${worst.name}: p95 ${worst.p95.toFixed(1)} ms`,
      },
    ];
    return { rows: [], lines: formatTable(result), targets, failures: [] };
  },
};

if (process.argv[2] === WORKER_FLAG) {
  runWorker().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
