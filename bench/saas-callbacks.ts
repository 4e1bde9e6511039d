// Section "saas-callbacks": signed V2 newInstance and queryInstance against
// POST /api/koogallery/saas, for each engine, on the portal and on the floor
// server (same engine, same loads) in interleaved rounds, one server at a time
// so they never share the CPU. Targets (PostgreSQL): >= 500 newInstance/s,
// p99 < 50 ms, throughput >= half the floor's.
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { startChild, freePort, type ChildServer } from "./child";
import { setUpEngine, type Engine } from "./engines";
import { combineLoads, runLoad, type LoadRequest, type LoadResult } from "./load";
import { ROOT, startPortal, ensureBuild, portalEnv } from "./portal-server";
import type { Row, Section, SectionContext, TargetCheck } from "./report";
import { signV2, type V2Body } from "./sign";

const CONCURRENCY = 32;
// Enough for V8 to optimise the portal's hot path (a few thousand calls per function); the floor gets the same.
const WARMUP_REQUESTS = 1000;
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

type Activity = "newInstance" | "queryInstance";
const ACTIVITIES: Activity[] = ["newInstance", "queryInstance"];

/** One load of one activity on one server. newInstance opens a new order line per call; queryInstance asks for instances that server created. */
async function measureActivity(origin: string, activity: Activity, createdIds: string[], durationMs: number): Promise<LoadResult> {
  if (activity === "newInstance") {
    const run = randomBytes(4).toString("hex").toUpperCase();
    return runLoad({
      concurrency: CONCURRENCY,
      durationMs,
      warmupRequests: WARMUP_REQUESTS,
      makeRequest: (i) => {
        const orderId = `CSBENCH${run}${i}`;
        return signedRequest(origin, { activity: "newInstance", businessId: randomUUID(), orderId, orderLineId: `${orderId}-000001`, testFlag: "0" });
      },
      check: (status, text) => {
        const a = resultOf(text);
        // 000004: accepted, provisioning continues in the background (protocol:saas-interface.md#v2-newinstance).
        if (status !== 200 || (a?.resultCode !== "000000" && a?.resultCode !== "000004") || typeof a.instanceId !== "string") return false;
        createdIds.push(a.instanceId);
        return true;
      },
    });
  }
  return runLoad({
    concurrency: CONCURRENCY,
    durationMs,
    warmupRequests: WARMUP_REQUESTS,
    makeRequest: () => {
      const instanceId = createdIds[Math.floor(Math.random() * createdIds.length)] ?? "";
      return signedRequest(origin, { activity: "queryInstance", instanceId, testFlag: "0" });
    },
    check: (status, text) => status === 200 && resultOf(text)?.resultCode === "000000",
  });
}

type Contender = { server: Row["server"]; child: ChildServer; createdIds: string[]; loads: Record<Activity, LoadResult[]> };

/**
 * Interleaved rounds: in each round every activity runs on each server in
 * turn (the order alternating between rounds), one server at a time. On a
 * shared or throttled machine the speed drifts by tens of percent within
 * minutes; interleaving puts the portal and the floor under the same drift,
 * so their ratio stays meaningful. Each server's loads are then pooled.
 */
async function measureRounds(ctx: SectionContext, engine: Engine, contenders: Contender[], lines: string[]): Promise<Row[]> {
  for (let round = 0; round < ctx.rounds; round++) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const activity of ACTIVITIES) {
      for (const c of order) {
        if (activity === "queryInstance" && c.createdIds.length === 0) continue;
        const result = await measureActivity(c.child.origin, activity, c.createdIds, ctx.durationMs);
        c.loads[activity].push(result);
        console.log(
          `  round ${round + 1}/${ctx.rounds} ${c.server} ${activity}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(1)} ` +
            `ms${result.errors ? `, ${result.errors} errors` : ""}`,
        );
      }
    }
  }
  const portal = contenders.find((c) => c.server === "portal");
  const floor = contenders.find((c) => c.server === "floor");
  if (portal && floor) {
    for (const activity of ACTIVITIES) {
      const ratios = portal.loads[activity].map((p, i) => {
        const f = floor.loads[activity][i];
        return f && f.rps > 0 ? (p.rps / f.rps).toFixed(2) : "-";
      });
      lines.push(`portal/floor throughput ${engine} ${activity} by round: ${ratios.join(", ")}`);
    }
  }
  for (const c of contenders) {
    if (ACTIVITIES.some((a) => c.loads[a].some((r) => r.errors > 0))) {
      ctx.keepWorkDir();
      console.log(`  ${c.child.label} had errors; its log: ${c.child.logFile}`);
    }
  }
  return contenders.flatMap((c) =>
    ACTIVITIES.filter((a) => c.loads[a].length > 0).map((activity) => ({ engine, server: c.server, activity, result: combineLoads(c.loads[activity]) })),
  );
}

function targetsFor(rows: Row[], ctx: SectionContext): TargetCheck[] {
  const find = (server: Row["server"], activity: string) => rows.find((r) => r.engine === "postgres" && r.server === server && r.activity === activity)?.result;
  const why = !ctx.engines.includes("postgres") ? "PostgreSQL not run" : ctx.floorOnly ? "floor only" : "no result";
  const judge = (name: string, value: LoadResult | undefined, test: (r: LoadResult) => boolean, detail: (r: LoadResult) => string): TargetCheck =>
    value
      ? { name, met: value.errors === 0 && test(value), detail: `${detail(value)}${value.errors > 0 ? `, ${value.errors} errors` : ""}` }
      : { name, met: undefined, detail: why };

  const checks: TargetCheck[] = [
    judge(
      `postgres portal newInstance >= ${MIN_NEW_INSTANCE_RPS} req/s`,
      find("portal", "newInstance"),
      (r) => r.rps >= MIN_NEW_INSTANCE_RPS,
      (r) => `${r.rps.toFixed(0)} req/s`,
    ),
  ];
  for (const activity of ["newInstance", "queryInstance"]) {
    const portal = find("portal", activity);
    const floor = find("floor", activity);
    checks.push(
      judge(
        `postgres portal ${activity} p99 < ${MAX_P99_MS} ms`,
        portal,
        (r) => r.p99 < MAX_P99_MS,
        (r) => `p99 ${r.p99.toFixed(1)} ms`,
      ),
    );
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
      const contenders: Contender[] = [];
      const contend = async (server: Row["server"], start: () => Promise<ChildServer>) => {
        contenders.push({ server, child: await start(), createdIds: [], loads: { newInstance: [], queryInstance: [] } });
      };
      try {
        if (measurePortal) {
          const logFile = path.join(ctx.workDir, `portal-${engine}.log`);
          await attempt(`portal (${engine})`, () =>
            contend("portal", () => startPortal({ accessKey: ACCESS_KEY, db: setup.portal, logFile, label: `portal (${engine})` })),
          );
        }
        await contend("floor", async () => {
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
        });
        console.log(`${engine}: ${contenders.map((c) => c.server).join(" and ")}, ${ctx.rounds} interleaved round(s) ...`);
        await attempt(`measuring (${engine})`, async () => {
          rows.push(...(await measureRounds(ctx, engine, contenders, lines)));
        });
      } finally {
        for (const c of contenders) await c.child.stop();
        await setup.release();
      }
    }

    for (const engine of ctx.engines) {
      for (const activity of ["newInstance", "queryInstance"]) {
        const portal = rows.find((r) => r.engine === engine && r.server === "portal" && r.activity === activity)?.result;
        const floor = rows.find((r) => r.engine === engine && r.server === "floor" && r.activity === activity)?.result;
        if (portal && floor && floor.rps > 0)
          lines.push(`portal/floor throughput ${engine} ${activity}, rounds pooled: ${(portal.rps / floor.rps).toFixed(2)}`);
      }
    }
    // Little's law for a closed loop: mean latency = connections / throughput.
    lines.push(
      `closed loop at ${CONCURRENCY} connections: mean latency = ${CONCURRENCY} / rps, so p99 < ${MAX_P99_MS} ms needs well over ` +
        `${Math.ceil((CONCURRENCY * 1000) / MAX_P99_MS)} req/s`,
    );
    return { rows, lines, targets: targetsFor(rows, ctx), failures };
  },
};
