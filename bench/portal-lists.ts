// Section "portal-lists": the portal's list and dashboard APIs at production
// scale, PostgreSQL only. A throw-away database gets every migration, then
// 100,000 instances (states mixed, 2% test data, a tenant for 1% of them),
// their orders and some jobs, and 1,000,000 callback logs over 30 days
// (endpoints, activities, result codes and verification outcomes in realistic
// shares), all with INSERT … SELECT generate_series. Then the production portal
// starts with a first owner, the bench signs in as that owner over HTTP like a
// browser (csrf, credentials callback, cookies), and each API is called 50
// times one after the other. Target: p95 < 150 ms per API. An API that answers
// 404 is not built yet (the instance and callback lists come from other
// branches): it is reported as not available, not as a failure.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import type { RawSql } from "../lib/db";
import { applyMigrations, readMigrations } from "../lib/migrations";
import type { ChildServer } from "./child";
import { createBenchDatabase } from "./pg";
import { ensureBuild, portalEnv, ROOT, startPortal } from "./portal-server";
import { formatTable, type Section, type SectionContext, type TargetCheck } from "./report";

export const INSTANCES = 100_000;
export const CALLBACK_LOGS = 1_000_000;
const LOG_DAYS = 30;
const PRODUCTS = 40;
const REQUESTS = 50;
const WARMUP = 5;
const MAX_P95_MS = 150;
/** Logs are inserted by this many statements on as many connections at once. */
const SEED_PARALLEL = 4;

// ------------------------------------------------------------------ seeding

/** The portal's RawSql over a pg pool, for lib/migrations.ts. */
function rawSqlOf(pool: pg.Pool): RawSql {
  const queryWith =
    (c: pg.Pool | pg.PoolClient) =>
    async <T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> =>
      (await c.query(sql, params)).rows as T[];
  return {
    kind: "postgres",
    query: queryWith(pool),
    queryPrepared: queryWith(pool),
    exec: async (script) => void (await pool.query(script)),
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({ kind: "postgres", query: queryWith(client), exec: async (script) => void (await client.query(script)) });
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

const pad = (n: number, width: number) => String(n).padStart(width, "0");
export const instanceIdOf = (i: number) => `bench-inst-${pad(i, 6)}`;
export const orderIdOf = (i: number) => `CSBENCH${pad(i, 7)}`;
export const productIdOf = (p: number) => `OFFI-BENCH-${pad(p, 2)}`;

// Timestamps are written as UTC wall time (the columns are timestamp(3) without zone).
const NOW = `(now() AT TIME ZONE 'UTC')`;

/** Instances: ids bench-inst-000001…, state by a fixed hash of i, created over the last year. */
const SEED_INSTANCES = `
INSERT INTO "Instance" (id, "orderKey", generation, "orderId", "orderLineId", "productId", "skuCode", "customerId", "customerName",
  "chargingMode", state, "provisionStatus", "provisionError", "provisionAdapter", "isTrial", "isTest", "expireAt", "frontEndUrl",
  "createdAt", "updatedAt", "provisionedAt", "frozenAt", "releasedAt")
SELECT 'bench-inst-' || lpad(i::text, 6, '0'),
       'CSBENCH' || lpad(i::text, 7, '0') || '/CSBENCH' || lpad(i::text, 7, '0') || '-000001',
       (CASE WHEN i % 10 = 3 THEN 'V1' ELSE 'V2' END)::"Generation",
       'CSBENCH' || lpad(i::text, 7, '0'),
       'CSBENCH' || lpad(i::text, 7, '0') || '-000001',
       'OFFI-BENCH-' || lpad((i % ${PRODUCTS})::text, 2, '0'),
       'SKU-' || (i % ${PRODUCTS}) || '-' || (i % 3),
       'cust-' || (i % 60000),
       'Customer ' || (i % 60000),
       CASE WHEN i % 7 = 0 THEN '0' ELSE '1' END,
       s.state::"InstanceState",
       (CASE WHEN s.state = 'PROVISIONING' AND h % 10 = 0 THEN 'FAILED' WHEN s.state = 'PROVISIONING' THEN 'PENDING' ELSE 'DONE' END)::"ProvisionStatus",
       CASE WHEN s.state = 'PROVISIONING' AND h % 10 = 0 THEN 'ProvisioningError: backend refused the instance: HTTP 400' END,
       'builtin',
       i % 25 = 0,
       i % 50 = 7,
       c."createdAt" + interval '1 year',
       'https://app.example.com/' || i,
       c."createdAt", c."createdAt",
       CASE WHEN s.state <> 'PROVISIONING' THEN c."createdAt" + interval '2 seconds' END,
       CASE WHEN s.state = 'FROZEN' THEN c."createdAt" + interval '200 days' END,
       CASE WHEN s.state = 'RELEASED' THEN c."createdAt" + interval '300 days' END
  FROM generate_series(1, ${INSTANCES}) AS i
 CROSS JOIN LATERAL (SELECT (i * 7919) % 1000 AS h) AS hh
 CROSS JOIN LATERAL (SELECT CASE WHEN h < 20 THEN 'PROVISIONING' WHEN h < 720 THEN 'ACTIVE' WHEN h < 820 THEN 'FROZEN' ELSE 'RELEASED' END AS state) AS s
 CROSS JOIN LATERAL (SELECT ${NOW} - (i * interval '315 seconds') AS "createdAt") AS c`;

/** One purchase order per instance; a few whose detail fetch failed for good, with their DEAD job. */
const SEED_ORDERS = `
INSERT INTO "Order" (id, "orderKey", "orderId", "orderLineId", "instanceId", kind, "isTest", "createdAt", "fetchStatus", "fetchedAt", "fetchError",
  "productId", "skuCode")
SELECT gen_random_uuid()::text, i."orderKey", i."orderId", i."orderLineId", i.id, 'NEW', i."isTest", i."createdAt",
       CASE WHEN n % 2000 = 11 THEN 'FAILED' WHEN n % 9 = 0 THEN 'NOT_CONFIGURED' ELSE 'FETCHED' END,
       CASE WHEN n % 2000 <> 11 AND n % 9 <> 0 THEN i."createdAt" + interval '5 seconds' END,
       CASE WHEN n % 2000 = 11 THEN 'OpenApiError: order not found (404)' WHEN n % 9 = 0 THEN 'KOOGALLERY_AK/KOOGALLERY_SK are not set' END,
       i."productId", i."skuCode"
  FROM (SELECT *, substr(id, 12)::int AS n FROM "Instance" WHERE id LIKE 'bench-inst-%') AS i`;

const SEED_JOBS = `
INSERT INTO "Job" (id, kind, "dedupeKey", payload, status, attempts, "maxAttempts", "runAt", "lastError", "createdAt", "updatedAt", "finishedAt")
SELECT gen_random_uuid()::text, 'fetch-order', 'fetch-order:' || o."orderKey",
       jsonb_build_object('orderKey', o."orderKey", 'orderId', o."orderId", 'orderLineId', o."orderLineId"),
       (CASE WHEN o."fetchStatus" = 'FAILED' THEN 'DEAD' ELSE 'DONE' END)::"JobStatus",
       CASE WHEN o."fetchStatus" = 'FAILED' THEN 20 ELSE 1 END, 20,
       o."createdAt" + interval '5 seconds',
       CASE WHEN o."fetchStatus" = 'FAILED' THEN 'OpenApiError: order not found (404)' END,
       o."createdAt", o."createdAt" + interval '5 seconds', o."createdAt" + interval '5 seconds'
  FROM "Order" o
 WHERE o."fetchStatus" = 'FAILED' OR o."createdAt" > ${NOW} - interval '60 days';
INSERT INTO "Job" (id, kind, "dedupeKey", payload, status, attempts, "maxAttempts", "runAt", "lastError", "createdAt", "updatedAt", "finishedAt")
SELECT gen_random_uuid()::text, 'provision-instance', 'provision-instance:' || i.id, jsonb_build_object('instanceId', i.id),
       (CASE WHEN i."provisionStatus" = 'PENDING' THEN 'PENDING' ELSE 'DONE' END)::"JobStatus",
       1, 20, CASE WHEN i."provisionStatus" = 'PENDING' THEN ${NOW} + interval '1 day' ELSE i."createdAt" END, NULL,
       i."createdAt", i."createdAt", CASE WHEN i."provisionStatus" <> 'PENDING' THEN i."createdAt" + interval '2 seconds' END
  FROM "Instance" i
 WHERE i.state = 'PROVISIONING' OR i."createdAt" > ${NOW} - interval '60 days';
INSERT INTO "Job" (id, kind, payload, status, attempts, "maxAttempts", "runAt", "lastError", "createdAt", "updatedAt", "finishedAt")
SELECT gen_random_uuid()::text, 'provision-instance', jsonb_build_object('instanceId', 'bench-inst-' || lpad((g * 4999)::text, 6, '0')), 'DEAD', 20, 20,
       ${NOW} - g * interval '1 day', 'Error: connect ECONNREFUSED 10.0.0.5:8080', ${NOW} - g * interval '2 days', ${NOW} - g * interval '1 day',
         ${NOW} - g * interval '1 day'
  FROM generate_series(1, 20) AS g`;

/** Tenants for 1% of instances (i = 1, 101, 201, …), as tenantSync would make them. */
const SEED_TENANTS = `
INSERT INTO "Tenant" (id, "tenantId", "instanceKey", "orderId", "tenantCode", name, "domainName", "isTest", "createdAt", "updatedAt")
SELECT gen_random_uuid()::text, 'bench-tenant-' || lpad(i::text, 6, '0'), 'bench-inst-' || lpad(i::text, 6, '0'), 'CSBENCH' || lpad(i::text, 7, '0'),
       'code' || i, 'Enterprise ' || i, 'https://idp' || i || '.example.com', false,
       ${NOW} - (i * interval '315 seconds'), ${NOW} - (i * interval '315 seconds')
  FROM generate_series(1, ${INSTANCES}, 100) AS i;
INSERT INTO "TenantInstance" ("tenantRowId", "instanceId", "createdAt") SELECT id, "instanceKey", "createdAt" FROM "Tenant" WHERE "instanceKey" <> ''`;

/**
 * Callback logs g in [from, to]: received every 2.592 s back from now (30 days
 * for 1,000,000). Shares: SaaS 85% (queryInstance 45%, newInstance 12%,
 * refreshInstance 7%, updateInstanceStatus 8%, releaseInstance 4%,
 * upgradeInstance 3%, 10% of them V1 GET calls), Kit syncs 15%; 4% refused by
 * verification (bad signature, stale timestamp, missing credentials, replayed
 * nonce, malformed), of the rest 1% 000005, 1.5% 000003, 1.5% 000002, 4% of
 * newInstance 000004; 1% test calls. Refused calls carry no links (as the
 * pipeline logs them).
 */
function seedLogsSql(from: number, to: number): string {
  return `
INSERT INTO "CallbackLog" (id, "receivedAt", endpoint, generation, activity, method, verification, "verificationInfo", "resultCode", "resultMsg",
  "latencyMs", "instanceId", "orderId", "orderLineId", "tenantId", "isTest", "requestMasked", "responseMasked", "handlerNote")
SELECT gen_random_uuid()::text, ts, a.endpoint, a.generation::"Generation", a.activity, a.method, v.verification,
       jsonb_build_object('skewMs', (r.r5 * 2000)::int),
       rc.code, CASE WHEN rc.code = '000000' THEN 'success' WHEN rc.code = '000001' THEN 'authentication failed' ELSE 'refused' END,
       2 + (r.r6 * 60)::int,
       CASE WHEN v.verification <> 'OK' THEN NULL
            WHEN a.endpoint LIKE 'kit/%' THEN 'bench-inst-' || lpad(t.i::text, 6, '0')
            WHEN a.activity <> 'newInstance' OR rc.code IN ('000000', '000004') THEN inst.id END,
       CASE WHEN v.verification = 'OK' AND a.has_order THEN a.order_id END,
       CASE WHEN v.verification = 'OK' AND a.has_order THEN a.order_id || '-000001' END,
       CASE WHEN v.verification = 'OK' AND a.endpoint LIKE 'kit/%' THEN 'bench-tenant-' || lpad(t.i::text, 6, '0') END,
       r.r7 < 0.01,
       jsonb_build_object('path', CASE WHEN a.endpoint = 'saas' THEN '/api/koogallery/saas' ELSE '/api/koogallery/saas/produceAPI/v2/' || a.activity END,
                          'query', jsonb_build_object('signature', '***', 'timestamp', (extract(epoch FROM ts) * 1000)::bigint::text, 'nonce', md5(g::text)),
                          'headers', jsonb_build_object('content-type', 'application/json;charset=UTF-8', 'user-agent', 'Apache-HttpClient/4.5.13 ' +
                            '(Java/1.8.0_372)'),
                          'body', jsonb_build_object('activity', a.activity, 'instanceId', inst.id, 'orderId', a.order_id, 'testFlag', '0')),
       '{"resultCode":"' || rc.code || '","resultMsg":"success"}',
       CASE WHEN v.verification <> 'OK' THEN 'refused before any work' END
  FROM generate_series(${from}, ${to}) AS g
 CROSS JOIN LATERAL (SELECT ${NOW} - g * interval '${((LOG_DAYS * 86_400) / CALLBACK_LOGS).toFixed(6)} seconds' AS ts) AS tt
 CROSS JOIN LATERAL (SELECT random() + g * 0 AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5, random() AS r6, random() AS r7) AS r
 CROSS JOIN LATERAL (SELECT 1 + floor(r.r2 * ${INSTANCES})::int AS k) AS kk
 CROSS JOIN LATERAL (SELECT 'bench-inst-' || lpad(kk.k::text, 6, '0') AS id) AS inst
 CROSS JOIN LATERAL (SELECT 1 + 100 * (kk.k % ${INSTANCES / 100}) AS i) AS t
 CROSS JOIN LATERAL (
   SELECT x.*, x.activity IN ('newInstance', 'refreshInstance', 'upgradeInstance', 'upgrade', 'releaseInstance') AS has_order,
          CASE WHEN x.activity IN ('refreshInstance', 'upgradeInstance', 'upgrade') THEN 'CSBENCHR' || lpad(kk.k::text, 7, '0') || '-' || (g % 3)
               ELSE 'CSBENCH' || lpad(kk.k::text, 7, '0') END AS order_id
     FROM (SELECT CASE WHEN r.r1 < 0.85 THEN 'saas' ELSE 'kit/' || kit END AS endpoint,
                  CASE WHEN r.r1 < 0.85 AND g % 10 = 3 THEN 'V1' ELSE 'V2' END AS generation,
                  CASE WHEN r.r1 < 0.85 AND g % 10 = 3 THEN 'GET' ELSE 'POST' END AS method,
                  CASE WHEN r.r1 >= 0.85 THEN kit
                       WHEN g % 10 = 3 AND saas = 'upgradeInstance' THEN 'upgrade'
                       WHEN g % 10 = 3 AND saas = 'updateInstanceStatus' THEN 'instanceStatus'
                       ELSE saas END AS activity
             FROM (SELECT CASE WHEN r.r1 < 0.45 THEN 'queryInstance' WHEN r.r1 < 0.57 THEN 'newInstance' WHEN r.r1 < 0.64 THEN 'refreshInstance'
                               WHEN r.r1 < 0.72 THEN 'updateInstanceStatus' WHEN r.r1 < 0.76 THEN 'releaseInstance' ELSE 'upgradeInstance' END AS saas,
                          CASE WHEN r.r1 < 0.88 THEN 'tenantSync' WHEN r.r1 < 0.90 THEN 'applicationSync' WHEN r.r1 < 0.96 THEN 'authSync'
                               WHEN r.r1 < 0.99 THEN 'singleOrgSync' ELSE 'allOrgSync' END AS kit) AS names) AS x) AS a
 CROSS JOIN LATERAL (SELECT CASE WHEN r.r3 < 0.020 THEN 'BAD_SIGNATURE' WHEN r.r3 < 0.030 THEN 'BAD_TIMESTAMP' WHEN r.r3 < 0.035 THEN 'MISSING_CREDENTIALS'
                                 WHEN r.r3 < 0.038 THEN 'REPLAYED_NONCE' WHEN r.r3 < 0.040 THEN 'MALFORMED' ELSE 'OK' END AS verification) AS v
 CROSS JOIN LATERAL (SELECT CASE WHEN v.verification = 'MALFORMED' THEN '000002' WHEN v.verification <> 'OK' THEN '000001'
                                 WHEN r.r4 < 0.010 THEN '000005' WHEN r.r4 < 0.025 THEN '000003' WHEN r.r4 < 0.040 THEN '000002'
                                 WHEN a.activity = 'newInstance' AND r.r4 < 0.080 THEN '000004' ELSE '000000' END AS code) AS rc`;
}

/** Values the filtered requests ask for, read from the seeded data. */
export type Samples = { orderId: string; productId: string; logOrderId: string };

export type SeedReport = { ms: number; steps: { name: string; ms: number; rows: number }[]; counts: Record<string, number>; samples: Samples };

/** Applies every migration, then seeds; returns the time taken and the row counts. */
export async function seedPortalLists(databaseUrl: string, log: (line: string) => void = () => undefined): Promise<SeedReport> {
  // Bench data: losing it in a crash costs nothing, so no WAL flush per commit.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: SEED_PARALLEL + 1, options: "-c synchronous_commit=off" });
  try {
    const applied = await applyMigrations(rawSqlOf(pool), readMigrations(path.join(ROOT, "prisma", "migrations")));
    log(`  migrations applied: ${applied.length}`);
    const started = performance.now();
    const steps: SeedReport["steps"] = [];
    const step = async (name: string, run: () => Promise<number>) => {
      const t = performance.now();
      const rows = await run();
      steps.push({ name, ms: performance.now() - t, rows });
      log(`  seeded ${name}: ${rows.toLocaleString("en")} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    };
    const exec = async (sql: string) => {
      const results = (await pool.query(sql)) as unknown as pg.QueryResult | pg.QueryResult[];
      return (Array.isArray(results) ? results : [results]).reduce((n, r) => n + (r.rowCount ?? 0), 0);
    };
    await step("instances", () => exec(SEED_INSTANCES));
    await step("orders, jobs, tenants", async () => (await exec(SEED_ORDERS)) + (await exec(SEED_JOBS)) + (await exec(SEED_TENANTS)));
    await step("callback logs", async () => {
      const per = Math.ceil(CALLBACK_LOGS / SEED_PARALLEL);
      const counts = await Promise.all(Array.from({ length: SEED_PARALLEL }, (_, p) => exec(seedLogsSql(p * per + 1, Math.min(CALLBACK_LOGS, (p + 1) * per)))));
      return counts.reduce((a, b) => a + b, 0);
    });
    await step("analyze", async () => {
      await pool.query(`VACUUM (ANALYZE) "Instance", "Order", "Job", "Tenant", "TenantInstance", "CallbackLog"`);
      return 0;
    });
    const ms = performance.now() - started;
    const counts: Record<string, number> = {};
    for (const table of ["Instance", "Order", "Job", "Tenant", "CallbackLog"]) {
      const r = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${pg.escapeIdentifier(table)}`);
      counts[table] = Number(r.rows[0]?.n ?? 0);
    }
    // An order with callback logs (most have one or two), from the newest rows.
    const logOrder = await pool.query<{ orderId: string }>(
      `SELECT "orderId" FROM "CallbackLog" WHERE "receivedAt" > ${NOW} - interval '1 day' AND "orderId" IS NOT NULL ORDER BY "receivedAt" DESC LIMIT 1`,
    );
    const samples = { orderId: orderIdOf(4242), productId: productIdOf(7), logOrderId: logOrder.rows[0]?.orderId ?? orderIdOf(1) };
    return { ms, steps, counts, samples };
  } finally {
    await pool.end();
  }
}

// ------------------------------------------------------------------ measuring

/**
 * The APIs measured, as data. `secondPageOf`: request that path once, then
 * measure its next page (`cursor` from the first page's `nextCursor`).
 * `verification=BAD_SIGNATURE`: what CallbackLog.verification holds for the
 * most common refusal (lib/callbacks/record-callback.ts VerificationOutcome).
 */
export const APIS: { api: string; path: (s: Samples) => string; secondPage?: boolean }[] = [
  { api: "dashboard", path: () => "/api/portal/dashboard" },
  { api: "instances", path: () => "/api/portal/instances" },
  { api: "instances ?state=ACTIVE", path: () => "/api/portal/instances?state=ACTIVE" },
  { api: "instances ?q=<orderId>", path: (s) => `/api/portal/instances?q=${encodeURIComponent(s.orderId)}` },
  { api: "instances ?productId=", path: (s) => `/api/portal/instances?productId=${encodeURIComponent(s.productId)}` },
  { api: "instances page 2 (cursor)", path: () => "/api/portal/instances", secondPage: true },
  { api: "callbacks", path: () => "/api/portal/callbacks" },
  { api: "callbacks ?resultCode=000005", path: () => "/api/portal/callbacks?resultCode=000005" },
  { api: "callbacks ?activity=newInstance", path: () => "/api/portal/callbacks?activity=newInstance" },
  { api: "callbacks ?verification=BAD_SIGNATURE", path: () => "/api/portal/callbacks?verification=BAD_SIGNATURE" },
  { api: "callbacks ?orderId=", path: (s) => `/api/portal/callbacks?orderId=${encodeURIComponent(s.logOrderId)}` },
  { api: "tenants", path: () => "/api/portal/tenants" },
];

type Measured =
  | { api: string; status: "ok"; p50: number; p95: number; max: number }
  | { api: string; status: "missing"; detail: string }
  | { api: string; status: "error"; detail: string };

class CookieJar {
  private readonly cookies = new Map<string, string>();
  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(";")[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Signs in as staff the way the login form does (next-auth credentials provider "staff"); returns the cookie header. */
export async function signInStaff(origin: string, email: string, password: string): Promise<string> {
  const jar = new CookieJar();
  const csrf = await fetch(`${origin}/api/auth/csrf`);
  jar.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken?: string };
  if (!csrfToken) throw new Error("GET /api/auth/csrf gave no csrfToken");
  const res = await fetch(`${origin}/api/auth/callback/staff`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${origin}/portal` }),
  });
  jar.keep(res);
  await res.arrayBuffer();
  const me = await fetch(`${origin}/api/portal/me`, { headers: { cookie: jar.header(), accept: "application/json" } });
  if (me.status !== 200) throw new Error(`sign-in did not give a session: /api/portal/me answered ${me.status} (callback answered ${res.status})`);
  await me.arrayBuffer();
  return jar.header();
}

function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
}

async function measureApi(origin: string, cookie: string, probe: (typeof APIS)[number], samples: Samples): Promise<Measured> {
  const get = (p: string) => fetch(origin + p, { headers: { cookie, accept: "application/json" } });
  const path = probe.path(samples);
  let target = path;
  if (probe.secondPage) {
    const first = await get(path);
    const body = (await first.json().catch(() => ({}))) as { nextCursor?: string | null };
    if (first.status === 404) return { api: probe.api, status: "missing", detail: "route answered 404" };
    if (!first.ok || !body.nextCursor)
      return { api: probe.api, status: "error", detail: `first page: HTTP ${first.status}, nextCursor ${body.nextCursor ?? "missing"}` };
    target = `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(body.nextCursor)}`;
  }
  const times: number[] = [];
  for (let i = 0; i < WARMUP + REQUESTS; i++) {
    const t = performance.now();
    const res = await get(target);
    const text = await res.text();
    const ms = performance.now() - t;
    if (res.status === 404) return { api: probe.api, status: "missing", detail: "route answered 404" };
    if (!res.ok) return { api: probe.api, status: "error", detail: `HTTP ${res.status}: ${text.slice(0, 200)}` };
    if (i >= WARMUP) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return { api: probe.api, status: "ok", p50: percentile(times, 0.5), p95: percentile(times, 0.95), max: times[times.length - 1] ?? 0 };
}

function verdictOf(m: Measured): TargetCheck {
  const name = `postgres ${m.api} p95 < ${MAX_P95_MS} ms`;
  if (m.status === "missing") return { name, met: undefined, detail: "not available (route answered 404)" };
  if (m.status === "error") return { name, met: false, detail: m.detail };
  return { name, met: m.p95 < MAX_P95_MS, detail: `p95 ${m.p95.toFixed(1)} ms` };
}

function tableOf(results: Measured[]): string[] {
  return formatTable(
    ["API", "p50 ms", "p95 ms", "max ms", "verdict"],
    results.map((m) =>
      m.status === "ok"
        ? [m.api, m.p50.toFixed(1), m.p95.toFixed(1), m.max.toFixed(1), m.p95 < MAX_P95_MS ? "met" : "missed"]
        : [m.api, "-", "-", "-", m.status === "missing" ? "not available" : `error: ${m.detail}`],
    ),
    { numeric: [1, 2, 3] },
  );
}

export const portalLists: Section = {
  name: "portal-lists",
  title:
    `portal list and dashboard APIs over ${INSTANCES.toLocaleString("en")} instances and ${CALLBACK_LOGS.toLocaleString("en")} callback logs ` +
    `(PostgreSQL), ${REQUESTS} sequential requests each`,
  async run(ctx: SectionContext) {
    const lines: string[] = [];
    const failures: string[] = [];
    if (!ctx.engines.includes("postgres")) {
      return {
        rows: [],
        lines: ["PostgreSQL only: not run (add --engine postgres)"],
        failures,
        targets: [{ name: `portal lists p95 < ${MAX_P95_MS} ms`, met: undefined, detail: "PostgreSQL not run" }],
      };
    }
    const accessKey = `bench-${randomBytes(16).toString("hex")}`;
    if (!ctx.floorOnly) {
      try {
        ensureBuild(portalEnv(accessKey, { dataDir: path.join(ctx.workDir, "build-data") }));
      } catch (error) {
        failures.push(`next build: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    const db = await createBenchDatabase();
    let portal: ChildServer | undefined;
    try {
      console.log(`postgres: seeding ${db.name} ...`);
      const seed = await seedPortalLists(db.url, console.log);
      lines.push(`seeded in ${(seed.ms / 1000).toFixed(1)} s (${seed.steps.map((s) => `${s.name} ${(s.ms / 1000).toFixed(1)} s`).join(", ")})`);
      lines.push(
        `rows: ${Object.entries(seed.counts)
          .map(([t, n]) => `${t} ${n.toLocaleString("en")}`)
          .join(", ")}`,
      );
      lines.push(`filters ask for order ${seed.samples.orderId}, product ${seed.samples.productId}, logged order ${seed.samples.logOrderId}`);
      if (ctx.floorOnly || failures.length > 0) {
        lines.push(ctx.floorOnly ? "--floor-only: seeding only, the portal was not started" : "portal not started: the build failed");
        return { rows: [], lines, failures, targets: [{ name: `portal lists p95 < ${MAX_P95_MS} ms`, met: undefined, detail: "portal not measured" }] };
      }
      const email = "bench-owner@example.com";
      const password = `Bench-${randomBytes(12).toString("base64url")}-9x`;
      const logFile = path.join(ctx.workDir, "portal-lists.log");
      try {
        portal = await startPortal({
          accessKey,
          db: { databaseUrl: db.url, dataDir: path.join(ctx.workDir, "portal-lists-data") },
          logFile,
          label: "portal (postgres, lists)",
          env: { PORTAL_OWNER_EMAIL: email, PORTAL_OWNER_PASSWORD: password },
        });
        const cookie = await signInStaff(portal.origin, email, password);
        const results: Measured[] = [];
        for (const probe of APIS) {
          const m = await measureApi(portal.origin, cookie, probe, seed.samples);
          console.log(
            `  ${probe.api}: ` +
              `${m.status === "ok" ? `p50 ${m.p50.toFixed(1)} ms, p95 ${m.p95.toFixed(1)} ms` : m.status === "missing" ? "not available (404)" : m.detail}`,
          );
          results.push(m);
        }
        lines.unshift(...tableOf(results), "");
        return { rows: [], lines, failures, targets: results.map(verdictOf) };
      } catch (error) {
        ctx.keepWorkDir();
        failures.push(`portal: ${error instanceof Error ? error.message : String(error)} (log ${logFile})`);
        return { rows: [], lines, failures, targets: [] };
      }
    } finally {
      await portal?.stop();
      await db.drop();
    }
  },
};
