// Section "org-sync": the Kit full department sync (allOrgSync, protocol:kit-interface.md#allorgsync) at
// scale, called in-process (no HTTP): 20,000 departments over 8 levels into an
// empty tenant with ~5,000 granted users, then a second full sync that moves
// 2,000 and removes 1,000, then tree reads. Each engine runs in its own worker
// process (this file with --org-sync-worker) on a fresh database, so the RSS
// measured is the sync's alone, not the harness's. Targets (PostgreSQL): each
// full sync < 3 s, peak RSS < 300 MB. PGlite is reported without a target (its
// RSS includes the database engine itself).
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { KIT_MAX_BODY_BYTES } from "../lib/callbacks/endpoint-catalog";
import type { Engine } from "./engines";
import { runWorkerProcess } from "./child";
import { createBenchDatabase } from "./pg";
import type { Section, SectionContext, TargetCheck } from "./report";

const FILE = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(FILE), "..");
const WORKER_FLAG = "--org-sync-worker";
const RESULT_PREFIX = "ORG_SYNC_RESULT ";

const DEPARTMENTS = 20_000;
const LEVELS = 8;
const USERS = 5_000;
const MOVED = 2_000;
const REMOVED = 1_000;
const MAX_SYNC_MS = 3_000;
const MAX_RSS_MB = 300;
const AUTH_USERS = 500;
const MAX_AUTH_SYNC_MS = 300;
const WORKER_TIMEOUT_MS = 10 * 60_000;

type Phase = { activity: string; departments: number; ms: number; peakRssMb: number; detail: string };
type WorkerResult = { engine: Engine; phases: Phase[]; processPeakRssMb: number; isHwm: boolean; bodyBytes: number; baselineRssMb: number };

const mb = (bytes: number) => bytes / 2 ** 20;

// ------------------------------------------------------------------ worker (child process)

/** Kernel high-water mark of this process (Linux); catches peaks between samples. */
function readHwmMb(): number | undefined {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** process.memoryUsage().rss every 5 ms; a busy event loop delays samples, so each phase also samples at its end. */
function rssSampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 5);
  timer.unref();
  return {
    reset: () => {
      peak = 0;
      sample();
    },
    peakMb: () => {
      sample();
      return mb(peak);
    },
    stop: () => clearInterval(timer),
  };
}

async function runWorker(engine: Engine): Promise<void> {
  const { closeDb, getDb, getRawSql } = await import("@/lib/db");
  const { getEnv } = await import("@/lib/env");
  const { applyMigrations } = await import("@/lib/migrations");
  const { kitSchemas } = await import("@/lib/koogallery/schemas");
  const { applyAllOrgSync } = await import("@/lib/org/apply-all-org-sync");
  const { getOrgTree, searchDepartments } = await import("@/lib/org/read-org-tree");
  const { generateOrgTree, reshapeOrgTree } = await import("@/testing/sample-org-tree");
  const { ensureTenantRow } = await import("@/lib/tenants/ensure-tenant");
  const { syncUserGrants } = await import("@/lib/tenants/sync-user-grants");
  const { executeSql, sql } = await import("@/lib/sql/insert-sql");
  const { NOW_UTC } = await import("@/lib/sql/now-utc");
  type Org = { orgCode: string; orgName: string; parentCode: string };

  const rss = rssSampler();
  await applyMigrations(await getRawSql());
  const db = await getDb();
  const env = getEnv();
  const baselineRssMb = mb(process.memoryUsage().rss);

  const phases: Phase[] = [];
  async function phase<T>(activity: string, departments: number, fn: () => Promise<T>, detail: (result: T) => string): Promise<T> {
    rss.reset();
    const started = performance.now();
    const result = await fn();
    const ms = performance.now() - started;
    phases.push({ activity, departments, ms, peakRssMb: rss.peakMb(), detail: detail(result) });
    return result;
  }

  const instanceId = `bench-inst-${randomBytes(4).toString("hex")}`;
  const body = (tenantId: string, list: Org[]) => JSON.stringify({ instanceId, tenantId, orgInfoList: list, testFlag: 0, timeStamp: "20260101120000000" });
  // What the pipeline does before the domain call: parse the raw body and validate it.
  const parse = (raw: string) => kitSchemas.allOrgSync.parse(JSON.parse(raw));
  type AllOrgRequest = ReturnType<typeof parse>;
  // The body is parsed before the clock starts: the row "parse body" shows that cost.
  const sync = (req: AllOrgRequest) => db.$transaction((tx) => applyAllOrgSync({ tx, env, actor: "bench" }, req), { timeout: 120_000, maxWait: 30_000 });
  const summary = (counts: Record<string, number>) =>
    ["added", "renamed", "moved", "removed", "unchanged", "orphanedUsers", "restoredUsers"]
      .filter((k) => (counts[k] ?? 0) > 0)
      .map((k) => `${k} ${counts[k]}`)
      .join(", ");

  // A small sync first: Prisma's and the engine's first-use costs are not the sync's.
  await phase(
    "warm-up sync (other tenant)",
    50,
    () => sync(parse(body("bench-warmup", generateOrgTree({ count: 50, depth: 3, prefix: "W" }).entries))),
    (o) => summary(o.counts),
  );

  const tree = generateOrgTree({ count: DEPARTMENTS, depth: LEVELS });
  const next = reshapeOrgTree(tree, { move: MOVED, remove: REMOVED });
  const tenantId = `bench-tenant-${randomBytes(4).toString("hex")}`;
  const firstBody = body(tenantId, tree.entries);
  const secondBody = body(tenantId, next);

  // Grants usually arrive (authSync) around the same time as the tree; they exist before the first sync here.
  // Inserted with unnest like the sync itself: one Prisma createMany of 5,000 rows alone grows this
  // process by ~140 MB (query compiler memory that is never returned), which is setup, not the sync.
  const tenantRowId = await db.$transaction(async (tx) => {
    const tenant = await ensureTenantRow(tx, tenantId, instanceId, false);
    const userNames = Array.from({ length: USERS }, (_, i) => `user${i}`);
    const orgCodes = userNames.map((_, i) => tree.entries[(i * 7919) % tree.entries.length]?.orgCode ?? "");
    await executeSql(
      tx,
      sql`INSERT INTO "TenantUser" (id, "tenantRowId", "appId", "userName", name, "orgCode", role, "isEnabled", "updatedAt")
       SELECT gen_random_uuid()::text, ${tenant.id}, 'bench-app', u.name, u.name, u.code, 'user', true, ${NOW_UTC}
         FROM unnest(${userNames}::text[], ${orgCodes}::text[]) AS u(name, code)`,
    );
    return tenant.id;
  });

  const firstRequest = await phase(
    "parse body (JSON + zod)",
    DEPARTMENTS,
    async () => parse(firstBody),
    () => `${(Buffer.byteLength(firstBody) / 2 ** 20).toFixed(2)} MiB body`,
  );
  const secondRequest = parse(secondBody);
  await phase(
    "initial full sync",
    DEPARTMENTS,
    () => sync(firstRequest),
    (o) => summary(o.counts),
  );
  await phase(
    "tree read",
    DEPARTMENTS,
    () => getOrgTree(db, tenantRowId),
    (t) => `${t.departmentCount} departments, ${t.roots.length} roots`,
  );
  await phase(
    "second full sync",
    next.length,
    () => sync(secondRequest),
    (o) => summary(o.counts),
  );
  await phase(
    "tree read",
    next.length,
    () => getOrgTree(db, tenantRowId),
    (t) => `${t.departmentCount} departments, ${t.roots.length} roots`,
  );
  const subtreeRoot = tree.levels[2]?.[0] ?? "";
  await phase(
    "subtree read (level 3)",
    next.length,
    () => getOrgTree(db, tenantRowId, { rootOrgCode: subtreeRoot }),
    (t) => `total users ${t.roots[0]?.totalUserCount ?? 0}`,
  );
  await phase(
    "search",
    next.length,
    () => searchDepartments(db, tenantRowId, "部门 8-12", 20),
    (m) => `${m.length} matches with paths`,
  );

  const countsText = (counts: Record<string, number>) =>
    Object.entries(counts)
      .filter(([, v]) => v > 0)
      .map(([k, v]) => `${k} ${v}`)
      .join(", ");
  // authSync: the largest call KooGallery sends (500 users), added, then modified.
  const users = (suffix: string) =>
    Array.from({ length: AUTH_USERS }, (_, i) => ({
      userName: `auth-user-${i}`,
      name: `用户 ${i}${suffix}`,
      orgCode: next[(i * 31) % next.length]?.orgCode ?? "",
      position: "engineer",
      employeeCode: `E${i}`,
      employeeType: 1,
      role: i % 50 === 0 ? "admin" : "user",
      enable: "true",
      mobile: `1380000${String(i).padStart(4, "0")}`,
      email: `user${i}@example.com`,
    }));
  const authBody = (flag: number, suffix: string) =>
    kitSchemas.authSync.parse(
      JSON.parse(
        JSON.stringify({
          instanceId,
          tenantId,
          appId: "bench-auth-app",
          userList: users(suffix),
          currentSyncTime: "20260101120000000",
          flag,
          testFlag: 0,
          timeStamp: "20260101120000000",
        }),
      ),
    );
  const authSync = (req: ReturnType<typeof authBody>) => db.$transaction((tx) => syncUserGrants({ tx, env, actor: "bench" }, req), { timeout: 60_000 });
  const addRequest = authBody(1, "");
  const modifyRequest = authBody(2, " (renamed)");
  await phase(
    `authSync add`,
    AUTH_USERS,
    () => authSync(addRequest),
    (o) => countsText(o.counts),
  );
  await phase(
    `authSync modify`,
    AUTH_USERS,
    () => authSync(modifyRequest),
    (o) => countsText(o.counts),
  );

  rss.stop();
  const sampledPeak = Math.max(...phases.map((p) => p.peakRssMb));
  const hwm = readHwmMb();
  await closeDb();
  const result: WorkerResult = {
    engine,
    phases,
    processPeakRssMb: hwm ?? sampledPeak,
    isHwm: hwm !== undefined,
    bodyBytes: Buffer.byteLength(firstBody),
    baselineRssMb,
  };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

// ------------------------------------------------------------------ section (bench process)

function workerEnv(db: { databaseUrl?: string; dataDir: string }): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited settings would silently change what is measured.
  for (const k of ["DATABASE_URL", "DATA_DIR", "PORTAL_DEMO", "DATABASE_POOL_SIZE", "NODE_OPTIONS"]) delete env[k];
  return {
    ...env,
    KOOGALLERY_ACCESS_KEY: `bench-${randomBytes(16).toString("hex")}`,
    PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    JOBS_DISABLED: "1",
    DATA_DIR: db.dataDir,
    ...(db.databaseUrl ? { DATABASE_URL: db.databaseUrl } : {}),
  };
}

async function measureEngine(engine: Engine, ctx: SectionContext): Promise<WorkerResult> {
  const dataDir = path.join(ctx.workDir, `org-sync-${engine}`);
  mkdirSync(dataDir, { recursive: true });
  const pgDb = engine === "postgres" ? await createBenchDatabase() : undefined;
  try {
    return await runWorkerProcess<WorkerResult>({
      label: `worker (${engine})`,
      args: [FILE, WORKER_FLAG, engine],
      cwd: ROOT,
      resultPrefix: RESULT_PREFIX,
      timeoutMs: WORKER_TIMEOUT_MS,
      env: workerEnv({ dataDir, databaseUrl: pgDb?.url }),
    });
  } finally {
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Same look as report.ts printRows: text columns left, numbers right. */
function formatTable(results: WorkerResult[]): string[] {
  const header = ["engine", "activity", "departments", "wall ms", "peak rss MB", "detail"];
  const numeric = new Set([2, 3, 4]);
  const body = results.flatMap((r) => r.phases.map((p) => [r.engine, p.activity, String(p.departments), p.ms.toFixed(0), p.peakRssMb.toFixed(0), p.detail]));
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === cells.length - 1 ? c : numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)];
}

function targetsFor(results: WorkerResult[], ctx: SectionContext): TargetCheck[] {
  const pgResult = results.find((r) => r.engine === "postgres");
  const why = ctx.engines.includes("postgres") ? "no result" : "PostgreSQL not run";
  const phaseMs = (activity: string) => pgResult?.phases.find((p) => p.activity === activity)?.ms;
  const checks: TargetCheck[] = [];
  for (const activity of ["initial full sync", "second full sync"]) {
    const ms = phaseMs(activity);
    checks.push({
      name: `postgres ${activity} of ${activity.startsWith("initial") ? DEPARTMENTS : DEPARTMENTS - REMOVED} departments < ${MAX_SYNC_MS} ms`,
      met: ms === undefined ? undefined : ms < MAX_SYNC_MS,
      detail: ms === undefined ? why : `${ms.toFixed(0)} ms`,
    });
  }
  for (const activity of ["authSync add", "authSync modify"]) {
    const ms = phaseMs(activity);
    checks.push({
      name: `postgres ${activity} of ${AUTH_USERS} users < ${MAX_AUTH_SYNC_MS} ms`,
      met: ms === undefined ? undefined : ms < MAX_AUTH_SYNC_MS,
      detail: ms === undefined ? why : `${ms.toFixed(0)} ms`,
    });
  }
  checks.push({
    name: `postgres sync process peak RSS < ${MAX_RSS_MB} MB`,
    met: pgResult ? pgResult.processPeakRssMb < MAX_RSS_MB : undefined,
    detail: pgResult ? `${pgResult.processPeakRssMb.toFixed(0)} MB (${pgResult.isHwm ? "kernel high-water mark" : "sampled"}, whole worker process)` : why,
  });
  return checks;
}

export const orgSync: Section = {
  name: "org-sync",
  title: `Kit allOrgSync in-process: ${DEPARTMENTS} departments / ${LEVELS} levels / ${USERS} users, then ${MOVED} moved + ${REMOVED} removed`,
  async run(ctx) {
    const results: WorkerResult[] = [];
    const failures: string[] = [];
    for (const engine of ctx.engines) {
      console.log(`${engine}: worker ...`);
      try {
        results.push(await measureEngine(engine, ctx));
      } catch (error) {
        failures.push(`${engine}: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`  ${engine} failed (details at the end)`);
      }
    }
    const lines = results.length > 0 ? formatTable(results) : [];
    for (const r of results) {
      lines.push(
        `${r.engine}: worker peak RSS ${r.processPeakRssMb.toFixed(0)} MB ` +
          `(${r.isHwm ? "VmHWM" : "sampled"}; ${r.baselineRssMb.toFixed(0)} MB after migrations, before any sync)`,
      );
    }
    const bodyBytes = results[0]?.bodyBytes;
    if (bodyBytes !== undefined) {
      lines.push(
        `a ${DEPARTMENTS}-department allOrgSync body is ${(bodyBytes / 2 ** 20).toFixed(2)} MiB; ` +
          `the Kit body cap is ${(KIT_MAX_BODY_BYTES / 2 ** 20).toFixed(0)} MiB` +
          (bodyBytes > KIT_MAX_BODY_BYTES ? " (such a body would be refused before reaching the sync)" : ""),
      );
    }
    return { rows: [], lines, targets: targetsFor(results, ctx), failures };
  },
};

if (process.argv[2] === WORKER_FLAG) {
  const engine = process.argv[3] === "postgres" ? "postgres" : "pglite";
  runWorker(engine).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exit(1);
    },
  );
}
