// The dashboard's numbers: instances by state, callbacks per hour over 24 h by
// outcome, orders KooGallery is still retrying, and what waits for a person.
// Every query is bounded by a time range or an indexed predicate, so the page
// stays fast with 100,000 instances and 1,000,000 callback logs (bench section
// "portal-lists"):
//   instances by state    one GROUP BY over Instance (the only whole-table read;
//                         a tenant admin's is by primary key)
//   callbacks per hour    one statement over 24 h of CallbackLog(receivedAt)
//   failing orders        CallbackLog(receivedAt) for the longest retry window,
//                         then CallbackLog(orderId) per failing order
//   awaiting action       Instance(state, createdAt) for PROVISIONING,
//                         Job(status, runAt) for DEAD, Order(orderKey) from those jobs
// A tenant admin gets the same figures limited to the instances their
// enterprise is bound to (lib/access, TenantInstance) and the Kit calls for their tenant.
import { listBoundInstanceIds } from "@/lib/access/tenant-binding";
import { liveTenantRowsOf } from "@/lib/access/tenant-scope";
import type { PortalViewer } from "@/lib/auth/viewer";
import type { VerificationOutcome } from "@/lib/callbacks/record-callback";
import type { Db } from "@/lib/db";
import type { InstanceState } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { isRetriedFailure, MAX_ORDER_RETRY_WINDOW_MS, ORDER_ACTIVITIES, retryTimeLeftMs, retryWindowOf } from "@/lib/koogallery/retry-windows";
import { toDisplayError } from "@/lib/portal/error-text";
import { rawSql, runSql, sql, type Sql } from "@/lib/sql/insert-sql";

const HOUR_MS = 60 * 60 * 1000;
export const CHART_HOURS = 24;
const LIST_LIMIT = 20;
const FAILING_ORDERS_LIMIT = 100;

export const INSTANCE_STATES: readonly InstanceState[] = ["PROVISIONING", "ACTIVE", "FROZEN", "RELEASED"];

/** Which verification outcomes passed (a staff re-run is RETRY); the others were refused before any work. */
const VERIFICATION_KIND: Record<VerificationOutcome, "passed" | "refused"> = {
  OK: "passed",
  RETRY: "passed",
  MISSING_CREDENTIALS: "refused",
  BAD_TIMESTAMP: "refused",
  BAD_SIGNATURE: "refused",
  REPLAYED_NONCE: "refused",
  MALFORMED: "refused",
  TOO_LARGE: "refused",
  COUNTED: "refused",
};
const outcomesOf = (kind: "passed" | "refused") => (Object.keys(VERIFICATION_KIND) as VerificationOutcome[]).filter((v) => VERIFICATION_KIND[v] === kind);
const PASSED_VERIFICATION = outcomesOf("passed");
const REFUSED_VERIFICATION = outcomesOf("refused");

export type DashboardScope =
  | { kind: "all" }
  /** A tenant admin: their enterprise's instances, its Kit calls (CallbackLog.tenantId), and its tenant rows for the link. */
  | { kind: "tenant"; tenantId: string; instanceIds: string[]; tenantRowIds: string[] };

export type HourBucket = { hourStart: string; accepted: number; refused: number; failed: number };

export type FailingOrder = {
  orderId: string;
  orderLineId: string | null;
  activity: string;
  resultCode: string;
  resultMsg: string | null;
  /** The latest log for the order: /portal/callbacks/<logId>. */
  logId: string;
  instanceId: string | null;
  lastAttemptAt: string;
  firstAttemptAt: string;
  windowMs: number;
  timeLeftMs: number;
  afterWindow: "order-refunded" | "not-resent";
};

export type FailedProvisioning = {
  instanceId: string;
  orderId: string;
  customerName: string | null;
  state: InstanceState;
  error: string | null;
  createdAt: string;
};
export type DeadJob = { id: string; kind: string; attempts: number; instanceId: string | null; orderId: string | null; error: string | null; failedAt: string };
export type FailedOrderFetch = { orderId: string; orderLineId: string | null; kind: string; instanceId: string; error: string | null; createdAt: string };

export type Dashboard = {
  generatedAt: string;
  scope: "all" | "tenant";
  /** For a tenant admin: their tenant row (exactly one) or null (several: the tenants list). */
  tenantRowId: string | null;
  instancesByState: Record<InstanceState, number>;
  callbacksByHour: HourBucket[];
  failingOrders: FailingOrder[];
  awaiting: {
    failedProvisioning: { count: number; items: FailedProvisioning[] };
    deadJobs: { count: number; items: DeadJob[] };
    failedOrderFetches: { count: number; items: FailedOrderFetch[] };
  };
};

export type DashboardOptions = {
  now?: Date;
  /** Secret values to redact from error texts (lib/portal/error-text.ts). */
  secrets?: readonly string[];
};

/** Who sees what: staff everything, a tenant admin their enterprise's instances and tenant. */
export async function dashboardScopeOf(db: Db, viewer: PortalViewer): Promise<DashboardScope> {
  if (viewer.kind === "staff") return { kind: "all" };
  // The binding and the live tenant rows come from lib/access: the same rule every other read applies.
  const [instanceIds, rows] = await Promise.all([
    listBoundInstanceIds(db, viewer.tenantId),
    db.tenant.findMany({ where: liveTenantRowsOf(viewer.tenantId), select: { id: true }, orderBy: { updatedAt: "desc" } }),
  ]);
  return { kind: "tenant", tenantId: viewer.tenantId, instanceIds, tenantRowIds: rows.map((r) => r.id) };
}

const iso = (d: Date) => d.toISOString();
/** Columns of `timestamp(3)` (UTC, no zone) as epoch milliseconds, whatever the session time zone. */
const epochMs = (column: string) => rawSql(`(extract(epoch FROM ${column}) * 1000)::float8`);
const NO_SQL = rawSql("");

/** ` AND <column> = ANY(<the scope's instances>)` for a tenant admin, nothing for staff. */
function instanceScopeSql(scope: DashboardScope, column: string): Sql {
  return scope.kind === "tenant" ? sql` AND ${rawSql(column)} = ANY(${scope.instanceIds}::text[])` : NO_SQL;
}

/** Limits CallbackLog rows to the scope: the enterprise's instances and its Kit calls. */
function callbackScopeSql(scope: DashboardScope): Sql {
  if (scope.kind === "all") return NO_SQL;
  return sql` AND ("instanceId" = ANY(${scope.instanceIds}::text[]) OR "tenantId" = ${scope.tenantId})`;
}

/** What every "awaiting action" statement selects besides the item's own columns. */
type AwaitingRow = { error: string | null; atMs: number; total: number };
type Awaiting<T> = { count: number; items: T[] };
type AwaitingView = { secrets: readonly string[]; isStaff: boolean };
const TOTAL = rawSql(`(count(*) OVER ())::int AS total`);

/**
 * Reads one "awaiting action" list: at most LIST_LIMIT items and the count of
 * all (`count(*) OVER ()` as total). The statement selects the item's columns
 * under their names, `error` (shown to staff only: it describes the merchant's
 * backend) and `atMs` (epochMs), which becomes the item's `timeKey`.
 */
async function readAwaiting<T extends { error: string | null }, K extends keyof T>(
  db: Db,
  statement: Sql,
  timeKey: K,
  view: AwaitingView,
): Promise<Awaiting<T>> {
  const rows = await runSql<Omit<T, "error" | K> & AwaitingRow>(db, statement);
  const items = rows.map(({ total: _total, atMs, error, ...item }) =>
    Object.assign(item, { error: view.isStaff ? toDisplayError(error, view.secrets) : null, [timeKey]: iso(new Date(Number(atMs))) }),
  );
  return { count: Number(rows[0]?.total ?? 0), items: items as unknown as T[] };
}

async function countInstancesByState(db: Db, scope: DashboardScope): Promise<Record<InstanceState, number>> {
  const counts = Object.fromEntries(INSTANCE_STATES.map((s) => [s, 0])) as Record<InstanceState, number>;
  if (scope.kind === "tenant" && scope.instanceIds.length === 0) return counts;
  const rows = await db.instance.groupBy({
    by: ["state"],
    where: { isTest: false, ...(scope.kind === "tenant" ? { id: { in: scope.instanceIds } } : {}) },
    _count: { _all: true },
  });
  for (const r of rows) counts[r.state] = r._count._all;
  return counts;
}

type BucketRow = { bucket: number; accepted: number; refused: number; failed: number };

/**
 * 24 hourly buckets ending with the current hour, in one statement bounded by
 * receivedAt. Staff (every log): three index-only scans, the total over
 * CallbackLog(receivedAt), the accepted over (resultCode, receivedAt) (only a
 * verified call is ever answered 000000) and the refused over (verification,
 * receivedAt); "failed" is the rest. Reading the wide log rows themselves for
 * 24 hours (~33,000 at 1,000,000 logs a month) took about three times as long.
 * A tenant admin: their few rows through (instanceId, receivedAt) and
 * (tenantId, receivedAt), counted from the rows.
 */
async function countCallbacksByHour(db: Db, scope: DashboardScope, now: Date): Promise<HourBucket[]> {
  const currentHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const start = new Date(currentHour - (CHART_HOURS - 1) * HOUR_MS);
  const end = new Date(currentHour + HOUR_MS);
  const bucket = sql`floor(extract(epoch FROM ("receivedAt" - ${start})) / 3600)::int`;
  const inRange = sql`"receivedAt" >= ${start} AND "receivedAt" < ${end}`;
  const rows =
    scope.kind === "all"
      ? await runSql<BucketRow>(
          db,
          sql`SELECT bucket, sum(accepted)::int AS accepted, sum(refused)::int AS refused, greatest(0, sum(total) - sum(accepted) - sum(refused))::int AS failed
         FROM (SELECT ${bucket} AS bucket, count(*) AS total, 0 AS accepted, 0 AS refused FROM "CallbackLog" WHERE ${inRange} GROUP BY 1
               UNION ALL
               SELECT ${bucket}, 0, count(*), 0 FROM "CallbackLog" WHERE "resultCode" = ${ResultCode.SUCCESS} AND ${inRange} GROUP BY 1
               UNION ALL
               SELECT ${bucket}, 0, 0, count(*) FROM "CallbackLog" WHERE verification = ANY(${REFUSED_VERIFICATION}::text[]) AND ${inRange} GROUP BY 1
               UNION ALL
               -- A COUNTED row stands for its count of refusals (lib/callbacks/refusal-budget.ts); its own row is counted above.
               SELECT ${bucket}, sum(("verificationInfo"->>'count')::int - 1), 0, sum(("verificationInfo"->>'count')::int - 1)
                 FROM "CallbackLog" WHERE verification = 'COUNTED' AND ${inRange} GROUP BY 1) AS parts
        GROUP BY bucket`,
        )
      : await runSql<BucketRow>(
          db,
          sql`SELECT ${bucket} AS bucket,
              (count(*) FILTER (WHERE verification = ANY(${PASSED_VERIFICATION}::text[]) AND "resultCode" = ${ResultCode.SUCCESS}))::int AS accepted,
              (count(*) FILTER (WHERE NOT (verification = ANY(${PASSED_VERIFICATION}::text[]))))::int AS refused,
              (count(*) FILTER (WHERE verification = ANY(${PASSED_VERIFICATION}::text[]) AND "resultCode" <> ${ResultCode.SUCCESS}))::int AS failed
         FROM "CallbackLog"
        WHERE ${inRange}${callbackScopeSql(scope)}
        GROUP BY 1`,
        );
  const buckets: HourBucket[] = Array.from({ length: CHART_HOURS }, (_, i) => ({
    hourStart: iso(new Date(start.getTime() + i * HOUR_MS)),
    accepted: 0,
    refused: 0,
    failed: 0,
  }));
  for (const r of rows) {
    const b = buckets[Number(r.bucket)];
    if (b) Object.assign(b, { accepted: Number(r.accepted), refused: Number(r.refused), failed: Number(r.failed) });
  }
  return buckets;
}

type LatestRow = {
  id: string;
  orderId: string;
  orderLineId: string | null;
  activity: string;
  resultCode: string;
  resultMsg: string | null;
  instanceId: string | null;
  lastMs: number;
  firstMs: number;
};

/**
 * Orders whose latest callback (newInstance, refreshInstance, upgradeInstance,
 * V1 upgrade) failed and whose KooGallery retry window is still open, most
 * urgent first. Only calls within the longest window can still be retried, so
 * the scan is the last 3 hours of CallbackLog(receivedAt); the start of each
 * order's failure streak (the first failed attempt after its last success) is
 * read through CallbackLog(orderId).
 */
export async function findFailingOrders(db: Db, scope: DashboardScope, now: Date): Promise<FailingOrder[]> {
  const since = new Date(now.getTime() - MAX_ORDER_RETRY_WINDOW_MS);
  // "Failed" as isRetriedFailure() says: not success, and not newInstance's 000004.
  const isFailure = (alias: string) => {
    const a = rawSql(alias);
    return sql`(${a}"resultCode" <> ${ResultCode.SUCCESS} AND NOT (${a}activity = 'newInstance' AND ${a}"resultCode" = ${ResultCode.IN_PROGRESS}))`;
  };
  const rows = await runSql<LatestRow>(
    db,
    sql`WITH latest AS (
       SELECT DISTINCT ON ("orderId") id, "orderId", "orderLineId", activity, "resultCode", "resultMsg", "instanceId", "receivedAt"
         FROM "CallbackLog"
        WHERE "receivedAt" >= ${since} AND "orderId" IS NOT NULL AND activity = ANY(${[...ORDER_ACTIVITIES]}::text[])
          AND "isTest" = false${callbackScopeSql(scope)}
        ORDER BY "orderId", "receivedAt" DESC, id DESC
     )
     SELECT l.id, l."orderId", l."orderLineId", l.activity, l."resultCode", l."resultMsg", l."instanceId",
            ${epochMs('l."receivedAt"')} AS "lastMs", ${epochMs("streak.first")} AS "firstMs"
       FROM latest l
       CROSS JOIN LATERAL (
         SELECT min(c."receivedAt") AS first
           FROM "CallbackLog" c
          WHERE c."orderId" = l."orderId" AND c.activity = l.activity
            AND c."receivedAt" > COALESCE((SELECT max(s."receivedAt") FROM "CallbackLog" s
                                            WHERE s."orderId" = l."orderId" AND s.activity = l.activity AND NOT ${isFailure("s.")}), '-infinity'::timestamp)
       ) streak
      WHERE ${isFailure("l.")}`,
  );
  const out: FailingOrder[] = [];
  for (const r of rows) {
    if (!isRetriedFailure(r.activity, r.resultCode)) continue;
    const window = retryWindowOf(r.activity);
    const first = new Date(Number(r.firstMs));
    const left = retryTimeLeftMs(r.activity, first, now);
    if (!window || left === undefined) continue;
    out.push({
      orderId: r.orderId,
      orderLineId: r.orderLineId,
      activity: r.activity,
      resultCode: r.resultCode,
      resultMsg: r.resultMsg,
      logId: r.id,
      instanceId: r.instanceId,
      lastAttemptAt: iso(new Date(Number(r.lastMs))),
      firstAttemptAt: iso(first),
      windowMs: window.windowMs,
      timeLeftMs: left,
      afterWindow: window.afterWindow,
    });
  }
  return out.sort((a, b) => a.timeLeftMs - b.timeLeftMs).slice(0, FAILING_ORDERS_LIMIT);
}

/**
 * Instances whose provisioning failed for good and that still wait for it.
 * Provisioning ends FAILED only while an instance is PROVISIONING (or FROZEN,
 * which returns to PROVISIONING when unfrozen; complete-provisioning.ts,
 * change-instance-status.ts), so the (state, createdAt) index bounds the read
 * to the PROVISIONING instances, a small set; frozen and released ones wait
 * for the customer, not for us.
 */
function failedProvisioningSql(scope: DashboardScope): Sql {
  return sql`SELECT id AS "instanceId", "orderId", "customerName", state, "provisionError" AS error, ${epochMs('"createdAt"')} AS "atMs", ${TOTAL}
       FROM "Instance"
      WHERE state = 'PROVISIONING' AND "provisionStatus" = 'FAILED' AND "isTest" = false${instanceScopeSql(scope, "id")}
      ORDER BY "createdAt" DESC, id
      LIMIT ${LIST_LIMIT}`;
}

/**
 * DEAD jobs through Job(status, runAt), each with the instance it was for
 * (provisioning: payload.instanceId; order fetch: the order's instance).
 */
function deadJobsSql(scope: DashboardScope): Sql {
  return sql`WITH dead AS (
       SELECT j.id, j.kind, j.attempts, j."lastError", j."runAt", COALESCE(j."finishedAt", j."updatedAt") AS "failedAt",
              COALESCE(j.payload->>'instanceId', o."instanceId") AS "instanceId", COALESCE(o."orderId", j.payload->>'orderId') AS "orderId"
         FROM "Job" j
         LEFT JOIN "Order" o ON j.kind = 'fetch-order' AND o."orderKey" = j.payload->>'orderKey'
        WHERE j.status = 'DEAD'
     )
     SELECT id, kind, attempts, "instanceId", "orderId", "lastError" AS error, ${epochMs('"failedAt"')} AS "atMs", ${TOTAL}
       FROM dead WHERE true${instanceScopeSql(scope, '"instanceId"')}
      ORDER BY "runAt" DESC, id
      LIMIT ${LIST_LIMIT}`;
}

/**
 * Orders whose detail fetch failed for good. fetch-order marks an order FAILED
 * exactly when its job gives up (a permanent refusal or the last attempt: the
 * job then ends DEAD, lib/orders/fetch-order-details.ts), so the DEAD jobs lead
 * to them through Order(orderKey) instead of a scan of every order.
 */
function failedOrderFetchesSql(scope: DashboardScope): Sql {
  return sql`SELECT o."orderId", o."orderLineId", o.kind, o."instanceId", o."fetchError" AS error, ${epochMs('o."createdAt"')} AS "atMs", ${TOTAL}
       FROM "Job" j
       JOIN "Order" o ON o."orderKey" = j.payload->>'orderKey'
      WHERE j.status = 'DEAD' AND j.kind = 'fetch-order' AND o."fetchStatus" = 'FAILED' AND o."isTest" = false${instanceScopeSql(scope, 'o."instanceId"')}
      ORDER BY o."createdAt" DESC, o.id
      LIMIT ${LIST_LIMIT}`;
}

export async function getDashboard(db: Db, scope: DashboardScope, opts: DashboardOptions = {}): Promise<Dashboard> {
  const now = opts.now ?? new Date();
  const view: AwaitingView = { secrets: opts.secrets ?? [], isStaff: scope.kind === "all" };
  const [instancesByState, callbacksByHour, failingOrders, failedProvisioning, deadJobs, failedOrderFetches] = await Promise.all([
    countInstancesByState(db, scope),
    countCallbacksByHour(db, scope, now),
    findFailingOrders(db, scope, now),
    // A tenant admin bound to no instance has no failed provisioning to wait for.
    scope.kind === "tenant" && scope.instanceIds.length === 0
      ? { count: 0, items: [] }
      : readAwaiting<FailedProvisioning, "createdAt">(db, failedProvisioningSql(scope), "createdAt", view),
    readAwaiting<DeadJob, "failedAt">(db, deadJobsSql(scope), "failedAt", view),
    readAwaiting<FailedOrderFetch, "createdAt">(db, failedOrderFetchesSql(scope), "createdAt", view),
  ]);
  return {
    generatedAt: iso(now),
    scope: scope.kind,
    tenantRowId: scope.kind === "tenant" && scope.tenantRowIds.length === 1 ? (scope.tenantRowIds[0] ?? null) : null,
    instancesByState,
    callbacksByHour,
    failingOrders,
    awaiting: { failedProvisioning, deadJobs, failedOrderFetches },
  };
}
