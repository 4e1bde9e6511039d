// Section "flood": what a stranger without any key costs. A signed
// queryInstance load at a steady rate (open loop: every call is sent when it
// is due, so a stall of the server shows in every percentile instead of
// delaying a handful of calls) runs alone, then while another process floods
// 15 MiB junk bodies at the Kit path (bench/flood-client.ts); both in the same
// run, so the baseline and the flood see the same machine. Also how much the callback log
// grows per junk request. PostgreSQL only: the log is measured from a second
// connection while the portal runs, which PGlite (one process) cannot offer.
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { runWorkerProcess } from "./child";
import { setUpEngine } from "./engines";
import { runLoad, runRateLoad, type LoadRequest } from "./load";
import { ROOT, startPortal, ensureBuild, portalEnv } from "./portal-server";
import type { Row, Section } from "./report";
import { signV2, type V2Body } from "./sign";

/** KooGallery's calls and buyers' resource pages: a steady trickle, well below what the portal can take. */
const SIGNED_RPS = 200;
const FLOOD_CONNECTIONS = 4;
const JUNK_MIB = 15;
const INSTANCES = 200;
/** The flood's own start (building its 15 MiB body, first bodies in flight) before measuring. */
const RAMP_MS = 3000;
/** A signed call's p99 under the flood must stay under the callback p99 target (section saas-callbacks): the flood must not crowd KooGallery out. */
const MAX_P99_UNDER_FLOOD_MS = 50;
/** Log growth per junk request: a refused call keeps a few KiB at most. */
const MAX_LOG_BYTES_PER_JUNK = 16 * 1024;

const ACCESS_KEY = `bench-${randomBytes(16).toString("hex")}`;

function signed(origin: string, body: V2Body): LoadRequest {
  const s = signV2(ACCESS_KEY, body);
  return { url: `${origin}/api/koogallery/saas?${s.query}`, method: "POST", headers: { "content-type": "application/json;charset=utf8" }, body: s.payload };
}

const resultCode = (text: string) => /"resultCode":"(\d+)"/.exec(text)?.[1];

type FloodResult = {
  sent: number;
  answered: number;
  failed: number;
  bytes: number;
  bodyBytes: number;
  codes: Record<string, number>;
  elapsedMs: number;
  totalMs: number;
  slowestMs: number;
};
type LogSize = { rows: number; bytes: number };

async function logSize(url: string): Promise<LogSize> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    // Only the Kit path's rows (the signed load's rows are logged too); pg_column_size of the whole row is what it takes on disk, TOAST compression included.
    const r = await c.query<{ rows: string; bytes: string }>(
      `SELECT count(*) AS rows, coalesce(sum(pg_column_size(l.*)), 0) AS bytes FROM "CallbackLog" l WHERE l.endpoint LIKE 'kit/%'`,
    );
    return { rows: Number(r.rows[0]?.rows ?? 0), bytes: Number(r.rows[0]?.bytes ?? 0) };
  } finally {
    await c.end();
  }
}

export const flood: Section = {
  name: "flood",
  title:
    `signed queryInstance (${SIGNED_RPS} req/s, open loop) alone and under a flood of ${JUNK_MIB} MiB junk bodies at the Kit path ` +
    `(${FLOOD_CONNECTIONS} connections)`,
  async run(ctx) {
    const rows: Row[] = [];
    const lines: string[] = [];
    if (!ctx.engines.includes("postgres"))
      return { rows, lines: ["flood: PostgreSQL only (the log is measured from a second connection)"], targets: [], failures: [] };
    ensureBuild(portalEnv(ACCESS_KEY, { dataDir: path.join(ctx.workDir, "build-data") }));
    const setup = await setUpEngine("postgres", ctx.workDir);
    const databaseUrl = setup.portal.databaseUrl!;
    const portal = await startPortal({ accessKey: ACCESS_KEY, db: setup.portal, logFile: path.join(ctx.workDir, "portal-flood.log"), label: "portal (flood)" });
    try {
      const ids: string[] = [];
      const run = randomBytes(4).toString("hex").toUpperCase();
      await runLoad({
        concurrency: 8,
        requests: INSTANCES,
        makeRequest: (i) =>
          signed(portal.origin, {
            activity: "newInstance",
            businessId: randomUUID(),
            orderId: `CSFLOOD${run}${i}`,
            orderLineId: `CSFLOOD${run}${i}-000001`,
            testFlag: "0",
          }),
        check: (status, text) => {
          const id = /"instanceId":"([^"]+)"/.exec(text)?.[1];
          if (status !== 200 || !id) return false;
          ids.push(id);
          return true;
        },
      });
      const makeQuery = () =>
        signed(portal.origin, { activity: "queryInstance", instanceId: ids[Math.floor(Math.random() * ids.length)] ?? "", testFlag: "0" });
      const isAnswered = (status: number, text: string) => status === 200 && resultCode(text) === "000000";
      // Warm the hot path (JIT, pool) before anything is measured.
      await runLoad({ concurrency: 8, requests: 1000, makeRequest: makeQuery, check: isAnswered });
      const query = (durationMs: number) => runRateLoad({ rps: SIGNED_RPS, durationMs, makeRequest: makeQuery, check: isAnswered });

      console.log("  signed queryInstance alone ...");
      const alone = await query(ctx.durationMs);
      const before = await logSize(databaseUrl);
      console.log(
        `  flooding ${JUNK_MIB} MiB junk bodies at /api/koogallery/saas/produceAPI/v2/tenantSync, signed queryInstance measured after ${RAMP_MS / 1000} s ...`,
      );
      const flooding = runWorkerProcess<FloodResult>({
        label: "flood client",
        args: [
          path.join(ROOT, "bench", "flood-client.ts"),
          "--url",
          `${portal.origin}/api/koogallery/saas/produceAPI/v2/tenantSync`,
          "--duration-ms",
          String(ctx.durationMs + RAMP_MS),
          "--body-mib",
          String(JUNK_MIB),
          "--connections",
          String(FLOOD_CONNECTIONS),
        ],
        env: process.env,
        cwd: ROOT,
        resultPrefix: "FLOOD_RESULT ",
        timeoutMs: ctx.durationMs + RAMP_MS + 120_000,
      });
      await new Promise((r) => setTimeout(r, RAMP_MS));
      const underFlood = await query(ctx.durationMs);
      const junk = await flooding;
      // Refused calls are logged after they are answered: let the last ones land.
      await new Promise((r) => setTimeout(r, 1000));
      const after = await logSize(databaseUrl);

      rows.push({ engine: "postgres", server: "portal", activity: "queryInstance alone", result: alone });
      rows.push({ engine: "postgres", server: "portal", activity: "queryInstance under flood", result: underFlood });
      const junkAnswered = Math.max(1, junk.answered);
      const bytesPerJunk = (after.bytes - before.bytes) / junkAnswered;
      const rowsPerJunk = (after.rows - before.rows) / junkAnswered;
      const mib = (n: number) => (n / 2 ** 20).toFixed(1);
      lines.push(
        `flood: ${junk.sent} junk requests sent (${mib(junk.bytes)} MiB), ${junk.answered} answered (in ${(junk.totalMs / junkAnswered).toFixed(0)} ms ` +
          `on average, the slowest ${junk.slowestMs.toFixed(0)} ms), ${junk.failed} failed, codes ${JSON.stringify(junk.codes)}, in ` +
          `${((ctx.durationMs + RAMP_MS) / 1000).toFixed(0)} s`,
        `callback log rows for the Kit path: ${before.rows} -> ${after.rows}, ${mib(before.bytes)} -> ${mib(after.bytes)} MiB stored: ` +
          `${rowsPerJunk.toFixed(3)} rows and ${(bytesPerJunk / 1024).toFixed(2)} KiB per junk request`,
        `signed queryInstance at ${SIGNED_RPS} req/s: p99 ${alone.p99.toFixed(1)} ms alone, ${underFlood.p99.toFixed(1)} ms under the flood ` +
          `(${(underFlood.p99 / Math.max(alone.p99, 0.001)).toFixed(1)} x); max ${alone.max.toFixed(0)} -> ${underFlood.max.toFixed(0)} ms`,
      );
      const p99Factor = underFlood.p99 / Math.max(alone.p99, 0.001);
      const targets = [
        {
          name: `signed queryInstance p99 under the flood < ${MAX_P99_UNDER_FLOOD_MS} ms`,
          met: underFlood.errors === 0 && underFlood.p99 < MAX_P99_UNDER_FLOOD_MS,
          detail:
            `${underFlood.p99.toFixed(1)} ms (${p99Factor.toFixed(1)} x its ${alone.p99.toFixed(1)} ms ` +
            `alone)${underFlood.errors ? `, ${underFlood.errors} errors` : ""}`,
        },
        {
          name: `callback log growth per junk request <= ${MAX_LOG_BYTES_PER_JUNK / 1024} KiB`,
          met: junk.answered > 0 && bytesPerJunk <= MAX_LOG_BYTES_PER_JUNK,
          detail: `${(bytesPerJunk / 1024).toFixed(1)} KiB over ${junk.answered} junk requests`,
        },
      ];
      return { rows, lines, targets, failures: [] };
    } finally {
      await portal.stop();
      await setup.release();
    }
  },
};
