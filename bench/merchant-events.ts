// Section "merchant-events" (PostgreSQL): events to the merchant's application.
// 1. Delivery throughput: an outbox of EVENTS rows (SUBJECTS instances, in
//    order per instance) delivered by two app instances (two workers) on one
//    database to a receiver in this process that answers 204 at once (a bare
//    TCP server: little CPU of the shared machine).
// 2. The cost of events on newInstance: one portal, signed V2 newInstance
//    loads alternating between events on (the MERCHANT_WEBHOOK_URL endpoint
//    enabled: each call writes its events and their deliveries, and the
//    worker delivers them meanwhile) and off (no enabled endpoint: no
//    delivery rows, nothing sent), the backlog drained between loads.
//    Target: events on loses less than 15 % of the throughput. Also printed:
//    how long events took to reach the receiver and how many deliveries
//    each "on" load left pending, since a deliverer that fell behind would
//    leave its work outside the measured window and look cheaper.
import { randomBytes, randomUUID } from "node:crypto";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { Webhook } from "standardwebhooks";
import { generateWebhookSecret } from "../lib/webhooks/standard-webhooks";
import type { ChildServer } from "./child";
import { cpuSince, readCpu, type CpuReading } from "./cpu";
import { combineLoads, runLoad, type LoadResult } from "./load";
import { createBenchDatabase } from "./pg";
import { ensureBuild, portalEnv, startPortal } from "./portal-server";
import type { Row, Section, SectionContext, TargetCheck } from "./report";
import { signV2 } from "./sign";

const EVENTS = 4_000;
const SUBJECTS = 400;
const CONCURRENCY = 32;
const WARMUP_REQUESTS = 500;
const MAX_LOSS = 0.15;
/** Loads of this section are capped: eight of them run by default (four rounds, on and off). */
const MAX_LOAD_MS = 6_000;
const ACCESS_KEY = `bench-${randomBytes(16).toString("hex")}`;
const SECRET = generateWebhookSecret();

type Receiver = {
  url: string;
  ids: Map<string, number>;
  outOfOrder: number;
  refused: number;
  /** Milliseconds from each event (its timestamp) to its arrival here, while set. */
  latencies?: number[];
  close(): Promise<void>;
};

/** The head fields of one request: the lower-cased header names and their values. */
function headersOf(head: string): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const line of head.split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

const NO_CONTENT = Buffer.from("HTTP/1.1 204 No Content\r\nconnection: keep-alive\r\n\r\n");

/**
 * Answers 204 at once; counts each webhook-id, checks order per instance
 * (data.n rises) and verifies the first messages. A bare TCP server that reads
 * the requests node:http sends (a head, then content-length bytes): the
 * merchant's application runs elsewhere, and on this shared machine a
 * node:http server's CPU per request would be charged to the portal's events.
 */
async function startReceiver(): Promise<Receiver> {
  const ids = new Map<string, number>();
  const lastN = new Map<string, number>();
  const wh = new Webhook(SECRET);
  let verified = 0;
  const r: Receiver = { url: "", ids, outOfOrder: 0, refused: 0, close: async () => undefined };
  const receive = (head: string, body: string) => {
    const id = /\r\nwebhook-id:\s*([^\r]*)/i.exec(head)?.[1] ?? "";
    if (verified < 50) {
      verified += 1;
      try {
        wh.verify(body, headersOf(head));
      } catch {
        r.refused += 1;
      }
    }
    const { data, timestamp } = JSON.parse(body) as { timestamp: string; data: { instanceId?: string; n?: number } };
    r.latencies?.push(Date.now() - Date.parse(timestamp));
    if (data.instanceId !== undefined && typeof data.n === "number") {
      if ((lastN.get(data.instanceId) ?? -1) > data.n) r.outOfOrder += 1;
      lastN.set(data.instanceId, data.n);
    }
    ids.set(id, (ids.get(id) ?? 0) + 1);
  };
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    let pending: Buffer = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) return;
        const head = pending.toString("latin1", 0, end);
        const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const body = pending.toString("utf8", end + 4, end + 4 + length);
        pending = pending.subarray(end + 4 + length);
        receive(head, body);
        socket.write(NO_CONTENT);
      }
    });
    socket.on("error", () => socket.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  r.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/events`;
  r.close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return r;
}

async function waitUntil(what: string, timeoutMs: number, fn: () => Promise<boolean> | boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** EVENTS events over SUBJECTS instances with their deliveries to the "env" endpoint, in one statement (seq follows n). */
async function fillOutbox(db: pg.Client): Promise<void> {
  await db.query(
    `WITH ev AS (
       INSERT INTO "MerchantEvent" (id, type, "orderingKey", "subjectId", "isTest", data, "occurredAt", "createdAt")
       SELECT 'msg_bench' || lpad(g::text, 8, '0'), 'instance.renewed', 'instance:bench-' || (g % $2), 'bench-' || (g % $2), false,
              jsonb_build_object('instanceId', 'bench-' || (g % $2), 'n', g), now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
         FROM generate_series(1, $1::int) g ORDER BY g
       RETURNING id, seq, "orderingKey")
     INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "orderingKey", seq, status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, id, 'env', "orderingKey", seq, 'PENDING', 0, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
       FROM ev`,
    [EVENTS, SUBJECTS],
  );
}

async function pendingDeliveries(db: pg.Client): Promise<number> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery" WHERE status = 'PENDING'`);
  return r.rows[0]?.n ?? 0;
}

function newInstanceLoad(origin: string, durationMs: number): Promise<LoadResult> {
  const run = randomBytes(4).toString("hex").toUpperCase();
  return runLoad({
    concurrency: CONCURRENCY,
    durationMs,
    warmupRequests: WARMUP_REQUESTS,
    makeRequest: (i) => {
      const orderId = `CSEVT${run}${i}`;
      const s = signV2(ACCESS_KEY, { activity: "newInstance", businessId: randomUUID(), orderId, orderLineId: `${orderId}-000001`, testFlag: "0" });
      return {
        url: `${origin}/api/koogallery/saas?${s.query}`,
        method: "POST",
        headers: { accept: "application/json", "content-type": "application/json;charset=utf8" },
        body: s.payload,
      };
    },
    check: (status, text) => {
      if (status !== 200) return false;
      // 000004: accepted, provisioning continues in the background (protocol:saas-interface.md#v2-newinstance).
      const code = (JSON.parse(text) as { resultCode?: unknown }).resultCode;
      return code === "000000" || code === "000004";
    },
  });
}

export const merchantEvents: Section = {
  name: "merchant-events",
  title: `events to the merchant's application: delivery with 2 workers, newInstance with events on vs off (PostgreSQL)`,
  async run(ctx: SectionContext) {
    const rows: Row[] = [];
    const lines: string[] = [];
    const failures: string[] = [];
    const targets: TargetCheck[] = [];
    const targetName = `postgres newInstance with events loses < ${MAX_LOSS * 100} % throughput`;
    if (!ctx.engines.includes("postgres") || ctx.floorOnly) {
      targets.push({ name: targetName, met: undefined, detail: ctx.floorOnly ? "floor only" : "PostgreSQL not run" });
      return { rows, lines, targets, failures };
    }
    const database = await createBenchDatabase();
    const receiver = await startReceiver();
    const side = new pg.Client({ connectionString: database.url });
    const children: ChildServer[] = [];
    try {
      ensureBuild(portalEnv(ACCESS_KEY, { dataDir: path.join(ctx.workDir, "build-data") }));
      await side.connect();
      const env = { MERCHANT_WEBHOOK_URL: receiver.url, MERCHANT_WEBHOOK_SECRET: SECRET, JOBS_POLL_MS: "200" };
      const start = (name: string) =>
        startPortal({
          accessKey: ACCESS_KEY,
          db: { databaseUrl: database.url, dataDir: path.join(ctx.workDir, `events-${name}`) },
          logFile: path.join(ctx.workDir, `events-${name}.log`),
          label: `portal ${name}`,
          env,
        });
      // One after the other: the first applies the migrations.
      const a = await start("a");
      children.push(a);
      const b = await start("b");
      children.push(b);

      // 1. Delivery throughput, two workers.
      console.log(`  delivering ${EVENTS} events (${SUBJECTS} instances) with 2 app instances ...`);
      await fillOutbox(side);
      const started = Date.now();
      await waitUntil("every event delivered", 120_000, () => receiver.ids.size >= EVENTS);
      const elapsedMs = Date.now() - started;
      const duplicates = [...receiver.ids.values()].filter((n) => n > 1).length;
      const perSecond = (EVENTS * 1000) / elapsedMs;
      lines.push(
        `delivery, 2 workers: ${EVENTS} events in ${(elapsedMs / 1000).toFixed(1)} s = ${perSecond.toFixed(0)} events/s ` +
          `(duplicates ${duplicates}, out of order ${receiver.outOfOrder}, signatures refused ${receiver.refused} of the first 50)`,
      );
      if (receiver.outOfOrder > 0 || receiver.refused > 0) failures.push(`delivery: ${receiver.outOfOrder} out of order, ${receiver.refused} refused`);
      await b.stop();
      children.pop();

      // 2. newInstance with events on and off, alternating, one server.
      const loads: Record<"on" | "off", LoadResult[]> = { on: [], off: [] };
      const durationMs = Math.min(ctx.durationMs, MAX_LOAD_MS);
      let eventsPerCall: number | undefined;
      const latencies: number[] = [];
      const pendingAtLoadEnd: number[] = [];
      // CPU per call by process, summed over the loads of a mode (the backlog's drain counted with its load).
      const cpu: Record<"on" | "off", CpuReading & { calls: number }> = {
        on: { portal: 0, postgres: 0, bench: 0, calls: 0 },
        off: { portal: 0, postgres: 0, bench: 0, calls: 0 },
      };
      // An even number of rounds: off-on, on-off, … puts both modes at the same mean position in the run, so a machine
      // that slows or speeds up as the run goes on (tables grow, a neighbour wakes) favours neither.
      const rounds = ctx.rounds + (ctx.rounds % 2);
      for (let round = 0; round < rounds; round++) {
        const order: Array<"on" | "off"> = round % 2 === 0 ? ["off", "on"] : ["on", "off"];
        for (const mode of order) {
          await side.query(`UPDATE "WebhookEndpoint" SET "isEnabled" = $1 WHERE id = 'env'`, [mode === "on"]);
          const before = await side.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery"`);
          receiver.latencies = [];
          const cpuBefore = readCpu(a.pid);
          const result = await newInstanceLoad(a.origin, durationMs);
          loads[mode].push(result);
          const after = await side.query<{ n: number }>(`SELECT count(*)::int AS n FROM "WebhookDelivery"`);
          const written = (after.rows[0]?.n ?? 0) - (before.rows[0]?.n ?? 0);
          // Deliveries still waiting when the load stops: what the load did not pay for (the backlog is drained below).
          const pendingAtEnd = await pendingDeliveries(side);
          const calls = result.requests + WARMUP_REQUESTS;
          if (mode === "on") {
            eventsPerCall = written / calls;
            pendingAtLoadEnd.push(pendingAtEnd);
          }
          const loadCpu = cpuSince(cpuBefore, readCpu(a.pid));
          console.log(
            `  round ${round + 1}/${rounds} events ${mode}: ${result.rps.toFixed(0)} req/s, p99 ${result.p99.toFixed(1)} ms, ` +
              `${written} deliveries written, ${pendingAtEnd} pending at the end of the load${result.errors ? `, ${result.errors} errors` : ""}; ` +
              `CPU ms portal ${loadCpu.portal}, postgres ${loadCpu.postgres}, bench ${loadCpu.bench.toFixed(0)}`,
          );
          // The next load starts with no backlog: deliveries left from an "on" load would be paid for by the next one.
          await waitUntil("the delivery backlog", 120_000, async () => (await pendingDeliveries(side)) === 0).catch(async (error: unknown) => {
            const r = await side.query(
              `SELECT count(*)::int AS pending, count("lockedBy")::int AS leased, max(attempts) AS "maxAttempts", min("nextAttemptAt")::text AS "nextAt",
                      (now() AT TIME ZONE 'UTC')::text AS "dbNow", max("lastError") AS "lastError"
                 FROM "WebhookDelivery" WHERE status = 'PENDING'`,
            );
            throw new Error(`${error instanceof Error ? error.message : String(error)}: ${JSON.stringify(r.rows[0])}`);
          });
          const used = cpuSince(cpuBefore, readCpu(a.pid));
          const c = cpu[mode];
          c.portal += used.portal;
          c.postgres += used.postgres;
          c.bench += used.bench;
          c.calls += calls;
          if (mode === "on") latencies.push(...receiver.latencies);
          receiver.latencies = undefined;
        }
      }
      const on = combineLoads(loads.on);
      const off = combineLoads(loads.off);
      rows.push({ engine: "postgres", server: "portal", activity: "newInstance, events off", result: off });
      rows.push({ engine: "postgres", server: "portal", activity: "newInstance, events on", result: on });
      const loss = off.rps > 0 ? 1 - on.rps / off.rps : undefined;
      lines.push(`events on wrote ${eventsPerCall?.toFixed(2) ?? "?"} deliveries per newInstance call (warm-up included)`);
      const byRound = loads.on.map((r, i) => {
        const o = loads.off[i];
        return o && o.rps > 0 ? `${((1 - r.rps / o.rps) * 100).toFixed(1)} %` : "-";
      });
      lines.push(`throughput lost with events on, by round: ${byRound.join(", ")}`);
      // Promptness: a load that left its deliveries for later would look cheaper than one that delivered them.
      latencies.sort((x, y) => x - y);
      const pct = (q: number) => latencies[Math.min(latencies.length - 1, Math.max(0, Math.ceil(q * latencies.length) - 1))] ?? 0;
      lines.push(
        `events on, event to receiver: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms, max ${pct(1)} ms; ` +
          `pending at the end of each load: ${pendingAtLoadEnd.join(", ")}`,
      );
      const perCall = (mode: "on" | "off", k: keyof CpuReading) => (cpu[mode].calls > 0 ? (cpu[mode][k] * 1000) / cpu[mode].calls : 0);
      lines.push(
        `CPU per newInstance call, off → on (µs, load and drain): ` +
          (["portal", "postgres", "bench"] as const).map((k) => `${k} ${perCall("off", k).toFixed(0)} → ${perCall("on", k).toFixed(0)}`).join(", "),
      );
      if (!eventsPerCall) {
        targets.push({ name: targetName, met: undefined, detail: "newInstance wrote no deliveries: its events are not emitted in this build" });
      } else {
        targets.push({
          name: targetName,
          met: loss !== undefined && loss < MAX_LOSS && on.errors === 0 && off.errors === 0,
          detail: `${loss === undefined ? "?" : (loss * 100).toFixed(1)} % (${on.rps.toFixed(0)} on / ${off.rps.toFixed(0)} off req/s)`,
        });
      }
    } catch (error) {
      ctx.keepWorkDir();
      failures.push(error instanceof Error ? error.message : String(error));
      targets.push({ name: targetName, met: undefined, detail: "not measured (see failures)" });
    } finally {
      for (const c of children.reverse()) await c.stop();
      await side.end().catch(() => undefined);
      await receiver.close();
      await database.drop();
    }
    return { rows, lines, targets, failures };
  },
};
