// Section "saas-callbacks": signed V2 newInstance and queryInstance against
// POST /api/koogallery/saas, for each engine, first on the portal, then on the
// floor server (same engine, same loads), one server at a time so they never
// share the CPU. Targets (PostgreSQL): >= 500 newInstance/s, p99 < 50 ms,
// throughput >= half the floor's.
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { startChild, freePort, type ChildServer } from "./child";
import { setUpEngine, type Engine } from "./engines";
import { runLoad, type LoadRequest, type LoadResult } from "./load";
import { ROOT, startPortal, ensureBuild, portalEnv } from "./portal-server";
import type { Row, Section, SectionContext, TargetCheck } from "./report";
import { signV2, type V2Body } from "./sign";

const CONCURRENCY = 32;
const WARMUP_REQUESTS = 300;
const ENDPOINT = "/api/koogallery/saas";
const FLOOR_SCRIPT = path.join(ROOT, "bench", "floor-server.ts");
const MIN_NEW_INSTANCE_RPS = 500;
const MAX_P99_MS = 50;
const MIN_FLOOR_RATIO = 0.5;

/** One key per run; both servers are started with it. */
const ACCESS_KEY = `bench-${randomBytes(16).toString("hex")}`;

function signedRequest(origin: string, body: V2Body): LoadRequest {
  const s = signV2(ACCESS_KEY, body);
  return {
    url: `${origin}${ENDPOINT}?${s.query}`,
    method: "POST",
    headers: { accept: "application/json", "content-type": "application/json;charset=utf8" },
    body: s.payload,
  };
}

function resultOf(text: string): { resultCode?: unknown; instanceId?: unknown } | undefined {
  try {
    return JSON.parse(text) as { resultCode?: unknown; instanceId?: unknown };
  } catch {
    return undefined;
  }
}

/** newInstance (every call a new order line), then queryInstance of the ids it created. */
async function measure(origin: string, durationMs: number): Promise<{ activity: string; result: LoadResult }[]> {
  const run = randomBytes(4).toString("hex").toUpperCase();
  const ids: string[] = [];
  const newInstance = await runLoad({
    concurrency: CONCURRENCY,
    durationMs,
    warmupRequests: WARMUP_REQUESTS,
    makeRequest: (i) => {
      const orderId = `CSBENCH${run}${i}`;
      return signedRequest(origin, { activity: "newInstance", businessId: randomUUID(), orderId, orderLineId: `${orderId}-000001`, testFlag: "0" });
    },
    check: (status, text) => {
      const a = resultOf(text);
      // 000004: accepted, provisioning continues in the background (SPEC §2.1).
      if (status !== 200 || (a?.resultCode !== "000000" && a?.resultCode !== "000004") || typeof a.instanceId !== "string") return false;
      ids.push(a.instanceId);
      return true;
    },
  });
  if (ids.length === 0) return [{ activity: "newInstance", result: newInstance }];

  const queryInstance = await runLoad({
    concurrency: CONCURRENCY,
    durationMs,
    warmupRequests: WARMUP_REQUESTS,
    makeRequest: () => {
      const instanceId = ids[Math.floor(Math.random() * ids.length)] ?? "";
      return signedRequest(origin, { activity: "queryInstance", instanceId, testFlag: "0" });
    },
    check: (status, text) => status === 200 && resultOf(text)?.resultCode === "000000",
  });
  return [
    { activity: "newInstance", result: newInstance },
    { activity: "queryInstance", result: queryInstance },
  ];
}

async function measureServer(
  ctx: SectionContext,
  engine: Engine,
  server: Row["server"],
  start: () => Promise<ChildServer>,
): Promise<Row[]> {
  const child = await start();
  try {
    const results = await measure(child.origin, ctx.durationMs);
    if (results.some((r) => r.result.errors > 0)) {
      ctx.keepWorkDir();
      console.log(`  ${child.label} had errors; its log: ${child.logFile}`);
    }
    return results.map((r) => ({ engine, server, ...r }));
  } finally {
    await child.stop();
  }
}

function targetsFor(rows: Row[], ctx: SectionContext): TargetCheck[] {
  const find = (server: Row["server"], activity: string) => rows.find((r) => r.engine === "postgres" && r.server === server && r.activity === activity)?.result;
  const why = !ctx.engines.includes("postgres") ? "PostgreSQL not run" : ctx.floorOnly ? "floor only" : "no result";
  const judge = (name: string, value: LoadResult | undefined, test: (r: LoadResult) => boolean, detail: (r: LoadResult) => string): TargetCheck =>
    value ? { name, met: value.errors === 0 && test(value), detail: `${detail(value)}${value.errors > 0 ? `, ${value.errors} errors` : ""}` } : { name, met: undefined, detail: why };

  const checks: TargetCheck[] = [
    judge(`postgres portal newInstance >= ${MIN_NEW_INSTANCE_RPS} req/s`, find("portal", "newInstance"), (r) => r.rps >= MIN_NEW_INSTANCE_RPS, (r) => `${r.rps.toFixed(0)} req/s`),
  ];
  for (const activity of ["newInstance", "queryInstance"]) {
    const portal = find("portal", activity);
    const floor = find("floor", activity);
    checks.push(judge(`postgres portal ${activity} p99 < ${MAX_P99_MS} ms`, portal, (r) => r.p99 < MAX_P99_MS, (r) => `p99 ${r.p99.toFixed(1)} ms`));
    const ratio = portal && floor && floor.rps > 0 ? portal.rps / floor.rps : undefined;
    checks.push({
      name: `postgres portal ${activity} >= ${MIN_FLOOR_RATIO} x floor throughput`,
      met: ratio === undefined ? undefined : ratio >= MIN_FLOOR_RATIO && portal?.errors === 0,
      detail: ratio === undefined ? why : `${ratio.toFixed(2)} x (${portal?.rps.toFixed(0)} / ${floor?.rps.toFixed(0)} req/s)`,
    });
  }
  return checks;
}

export const saasCallbacks: Section = {
  name: "saas-callbacks",
  title: `SaaS V2 callbacks: newInstance + queryInstance, ${CONCURRENCY} connections`,
  async run(ctx) {
    const rows: Row[] = [];
    const lines: string[] = [];
    const failures: string[] = [];
    // A portal that does not build or start is reported and the floors still run.
    const attempt = async (what: string, fn: () => Promise<void>, hasLogs = true) => {
      try {
        await fn();
      } catch (error) {
        if (hasLogs) ctx.keepWorkDir();
        failures.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
        console.log(`  ${what} failed (details at the end)`);
      }
    };
    let measurePortal = !ctx.floorOnly;
    if (measurePortal) {
      await attempt("next build", async () => ensureBuild(portalEnv(ACCESS_KEY, { dataDir: path.join(ctx.workDir, "build-data") })), false);
      measurePortal = failures.length === 0;
    }

    for (const engine of ctx.engines) {
      const setup = await setUpEngine(engine, ctx.workDir);
      lines.push(setup.note);
      try {
        if (measurePortal) {
          console.log(`${engine}: portal ...`);
          const logFile = path.join(ctx.workDir, `portal-${engine}.log`);
          await attempt(`portal (${engine})`, async () => {
            rows.push(...(await measureServer(ctx, engine, "portal", () => startPortal({ accessKey: ACCESS_KEY, db: setup.portal, logFile, label: `portal (${engine})` }))));
          });
        }
        console.log(`${engine}: floor ...`);
        rows.push(
          ...(await measureServer(ctx, engine, "floor", async () => {
            const port = await freePort();
            const env: NodeJS.ProcessEnv = { ...process.env, KOOGALLERY_ACCESS_KEY: ACCESS_KEY, ...setup.floorEnv };
            if (!setup.floorEnv.DATABASE_URL) delete env.DATABASE_URL;
            if (!setup.floorEnv.DATA_DIR) delete env.DATA_DIR;
            return startChild({
              label: `floor (${engine})`,
              command: process.execPath,
              args: ["--import", "tsx", FLOOR_SCRIPT, "--port", String(port)],
              env,
              cwd: ROOT,
              port,
              logFile: path.join(ctx.workDir, `floor-${engine}.log`),
              startTimeoutMs: 30_000,
            });
          })),
        );
      } finally {
        await setup.release();
      }
    }

    for (const engine of ctx.engines) {
      for (const activity of ["newInstance", "queryInstance"]) {
        const portal = rows.find((r) => r.engine === engine && r.server === "portal" && r.activity === activity)?.result;
        const floor = rows.find((r) => r.engine === engine && r.server === "floor" && r.activity === activity)?.result;
        if (portal && floor && floor.rps > 0) lines.push(`portal/floor throughput ${engine} ${activity}: ${(portal.rps / floor.rps).toFixed(2)}`);
      }
    }
    // Little's law for a closed loop: mean latency = connections / throughput.
    lines.push(`closed loop at ${CONCURRENCY} connections: mean latency = ${CONCURRENCY} / rps, so p99 < ${MAX_P99_MS} ms needs well over ${Math.ceil((CONCURRENCY * 1000) / MAX_P99_MS)} req/s`);
    return { rows, lines, targets: targetsFor(rows, ctx), failures };
  },
};
