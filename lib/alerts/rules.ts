// The evaluate-alerts job: every rule of lib/alerts/rule-catalog.ts checked
// against the database, alerts raised for what holds and resolved for what
// cleared. It runs as a recurring job (once per ALERTS_EVERY_MS across all
// app instances), so the reads are bounded: small indexed sets, open alerts.
// provisioning-failed is raised where it happens (complete-provisioning.ts);
// here it is only resolved.
import type { Db } from "@/lib/db";
import { getEnv, type Env } from "@/lib/env";
import { isRetriedFailure, retryWindowOf } from "@/lib/koogallery/retry-windows";
import { findFailingOrders, type FailingOrder } from "@/lib/portal/dashboard";
import { redactText, secretValuesOf } from "@/lib/portal/error-text";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { provisioningSubject, raiseAlert, resolveAlert, type AlertInput } from "@/lib/alerts/raise-alert";
import { phrase } from "@/lib/alerts/alert-text";
import { readRuleSettings, type AlertRuleName, type RuleSetting } from "@/lib/alerts/rule-catalog";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;
/** The window of the signature rule: "more than N refusals in 10 minutes". */
export const SIGNATURE_WINDOW_MS = 10 * MINUTE_MS;
/** KooGallery's calendar month is China's (UTC+8, no daylight saving). */
const CHINA_OFFSET_MS = 8 * HOUR_MS;
/** Dead jobs older than this when first seen are history, not news (a first start on an old database). */
const DEAD_JOB_LOOKBACK_MS = DAY_MS;

type Context = { db: Db; now: Date; env: Env; setting: RuleSetting };
export type EvaluationResult = { raised: number; resolved: number };

const minutes = (ms: number) => Math.max(1, Math.round(ms / MINUTE_MS));
const yes = (flag: boolean) => (flag ? "yes" : "no");
const cut = (text: string | null | undefined, env: Env) => redactText(text ?? "unknown", secretValuesOf(env)).slice(0, 300);

async function raise(ctx: Context, input: AlertInput): Promise<number> {
  // raiseAlert checks too; this saves a transaction per subject while a rule is off.
  if (!ctx.setting.isEnabled) return 0;
  return (await ctx.db.$transaction((tx) => raiseAlert(tx, input, ctx.now))) ? 1 : 0;
}

async function resolve(ctx: Context, id: string, notify = true): Promise<number> {
  return (await ctx.db.$transaction((tx) => resolveAlert(tx, { id }, { notify, now: ctx.now }))) ? 1 : 0;
}

function openAlerts(ctx: Context, rule: AlertRuleName) {
  return ctx.db.alert.findMany({ where: { rule, resolvedAt: null }, orderBy: { firedAt: "asc" }, take: 500 });
}

// ---------------------------------------------------------------- provisioning failed

/** The alert complete-provisioning.ts raises in the transaction that marks the instance FAILED. */
export function provisioningFailedAlert(
  instance: { id: string; orderId: string; customerName: string | null; isTest: boolean },
  error: string,
  env: Env = getEnv(),
  failedAt: Date = new Date(),
): AlertInput {
  return {
    rule: "provisioning-failed",
    subjectKey: provisioningSubject(instance.id),
    // Each failure is its own window: a staff re-run that fails again alerts again.
    windowKey: failedAt.toISOString(),
    params: {
      instanceId: instance.id,
      orderId: instance.orderId,
      hasCustomer: yes(Boolean(instance.customerName)),
      customerName: instance.customerName ?? "",
      isTest: yes(instance.isTest),
      error: cut(error, env),
    },
    link: `/portal/instances/${encodeURIComponent(instance.id)}`,
  };
}

async function resolveProvisioning(ctx: Context): Promise<EvaluationResult> {
  let resolved = 0;
  const open = await openAlerts(ctx, "provisioning-failed");
  for (const [i, alert] of open.entries()) {
    // A later failure of the same instance (a re-run that failed again) carries the story on.
    if (open.slice(i + 1).some((later) => later.subjectKey === alert.subjectKey)) {
      resolved += await resolve(ctx, alert.id, false);
      continue;
    }
    const instanceId = alert.subjectKey.slice("instance:".length);
    const row = await ctx.db.instance.findUnique({ where: { id: instanceId }, select: { provisionStatus: true, state: true } });
    // PENDING is a re-run in progress: still open until it is DONE.
    if (!row || row.provisionStatus === "DONE" || row.state === "RELEASED") resolved += await resolve(ctx, alert.id);
  }
  return { raised: 0, resolved };
}

// ---------------------------------------------------------------- KooGallery retry windows

const orderSubject = (orderId: string, activity: string) => `order:${orderId}:${activity}`;

function parseOrderSubject(subjectKey: string): { orderId: string; activity: string } {
  const rest = subjectKey.slice("order:".length);
  const at = rest.lastIndexOf(":");
  return { orderId: rest.slice(0, at), activity: rest.slice(at + 1) };
}

/** What happens once an activity's retry window has closed, as a catalog phrase. */
function afterWindowPhrase(activity: string): string {
  const window = retryWindowOf(activity);
  if (window?.afterWindow === "order-refunded") return phrase(activity.startsWith("upgrade") ? "afterWindow.upgradeRefunded" : "afterWindow.refunded");
  return phrase(activity === "refreshInstance" ? "afterWindow.notResent" : "afterWindow.other");
}

function closingAlert(o: FailingOrder): AlertInput {
  return {
    rule: "order-window-closing",
    subjectKey: orderSubject(o.orderId, o.activity),
    windowKey: o.firstAttemptAt,
    params: {
      orderId: o.orderId,
      activity: o.activity,
      minutesLeft: minutes(o.timeLeftMs),
      firstAttemptAt: o.firstAttemptAt,
      resultCode: o.resultCode,
      resultMsg: o.resultMsg ?? "",
      closesAt: new Date(new Date(o.firstAttemptAt).getTime() + o.windowMs).toISOString(),
      afterWindow: afterWindowPhrase(o.activity),
    },
    link: `/portal/callbacks/${encodeURIComponent(o.logId)}`,
  };
}

function closedAlert(orderId: string, activity: string, windowKey: string): AlertInput {
  const window = retryWindowOf(activity);
  return {
    rule: "order-window-closed",
    subjectKey: orderSubject(orderId, activity),
    windowKey,
    params: { orderId, activity, afterWindow: afterWindowPhrase(activity), isRefunded: yes(window?.afterWindow === "order-refunded") },
    link: `/portal/callbacks?orderId=${encodeURIComponent(orderId)}`,
  };
}

async function evaluateRetryWindows(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const thresholdMs = (ctx.setting.threshold ?? 60) * MINUTE_MS;
  for (const o of await findFailingOrders(ctx.db, { kind: "all" }, ctx.now)) {
    if (o.timeLeftMs < thresholdMs) raised += await raise(ctx, closingAlert(o));
  }
  // Open "closing" alerts: the order succeeded (resolved), or its window closed (the "closed" alert supersedes it).
  for (const alert of await openAlerts(ctx, "order-window-closing")) {
    const { orderId, activity } = parseOrderSubject(alert.subjectKey);
    const latest = await ctx.db.callbackLog.findFirst({
      where: { orderId, activity, isTest: false },
      orderBy: { receivedAt: "desc" },
      select: { resultCode: true },
    });
    const window = retryWindowOf(activity);
    const closesAt = new Date(alert.windowKey).getTime() + (window?.windowMs ?? 0);
    if (latest && !isRetriedFailure(activity, latest.resultCode)) {
      resolved += await resolve(ctx, alert.id);
    } else if (ctx.now.getTime() >= closesAt) {
      await ctx.db.$transaction(async (tx) => {
        if (await raiseAlert(tx, closedAlert(orderId, activity, alert.windowKey), ctx.now)) raised += 1;
        if (await resolveAlert(tx, { id: alert.id }, { notify: false, now: ctx.now })) resolved += 1;
      });
    }
  }
  return { raised, resolved };
}

// ---------------------------------------------------------------- dead jobs

type DeadJobRow = { id: string; kind: string; attempts: number; lastError: string | null; instanceId: string | null; orderId: string | null };

async function evaluateDeadJobs(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const since = new Date(ctx.now.getTime() - DEAD_JOB_LOOKBACK_MS);
  // send-alert jobs are left out: a channel that cannot send would otherwise alert about itself through itself.
  const rows = await runSql<DeadJobRow>(
    ctx.db,
    sql`SELECT j.id, j.kind, j.attempts, j."lastError", j.payload->>'instanceId' AS "instanceId", j.payload->>'orderId' AS "orderId"
          FROM "Job" j
         WHERE j.status = 'DEAD' AND j.kind <> 'send-alert' AND COALESCE(j."finishedAt", j."updatedAt") >= ${since}
           AND NOT EXISTS (SELECT 1 FROM "Alert" a WHERE a.rule = 'job-dead' AND a."subjectKey" = 'job:' || j.id)
         ORDER BY j."runAt" DESC
         LIMIT 50`,
  );
  for (const j of rows) {
    raised += await raise(ctx, {
      rule: "job-dead",
      subjectKey: `job:${j.id}`,
      windowKey: "dead",
      params: {
        kind: j.kind,
        jobId: j.id,
        attempts: j.attempts,
        about: j.instanceId ? "instance" : j.orderId ? "order" : "none",
        instanceId: j.instanceId ?? "",
        orderId: j.orderId ?? "",
        error: cut(j.lastError, ctx.env),
        isFetchOrder: yes(j.kind === "fetch-order"),
      },
      link: j.instanceId ? `/portal/instances/${encodeURIComponent(j.instanceId)}` : "/portal/settings",
    });
  }
  for (const alert of await openAlerts(ctx, "job-dead")) {
    const job = await ctx.db.job.findUnique({ where: { id: alert.subjectKey.slice("job:".length) }, select: { status: true } });
    if (job?.status !== "DEAD") resolved += await resolve(ctx, alert.id);
  }
  return { raised, resolved };
}

// ---------------------------------------------------------------- merchant webhook endpoints

/** Per-endpoint health is on the Events page; endpoints are enabled and fixed on the Webhook endpoints page. */
const ENDPOINT_HEALTH_LINK = "/portal/events";
const ENDPOINTS_LINK = "/portal/webhooks";

async function evaluateFailingEndpoints(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const thresholdMs = (ctx.setting.threshold ?? 60) * MINUTE_MS;
  const failing = await ctx.db.webhookEndpoint.findMany({
    where: { isEnabled: true, disabledAt: null, failingSince: { lte: new Date(ctx.now.getTime() - thresholdMs) } },
    select: { id: true, name: true, url: true, failingSince: true },
    take: 100,
  });
  for (const e of failing) {
    const since = e.failingSince!.toISOString();
    raised += await raise(ctx, {
      rule: "endpoint-failing",
      subjectKey: `endpoint:${e.id}`,
      windowKey: since,
      params: { name: e.name, host: new URL(e.url).host, sinceAt: since, minutes: minutes(ctx.now.getTime() - e.failingSince!.getTime()) },
      link: ENDPOINT_HEALTH_LINK,
    });
  }
  for (const alert of await openAlerts(ctx, "endpoint-failing")) {
    const e = await ctx.db.webhookEndpoint.findUnique({ where: { id: alert.subjectKey.slice("endpoint:".length) } });
    // Disabled: the endpoint-disabled alert takes over, without a "resolved" that would read as good news.
    if (e && (e.disabledAt || !e.isEnabled)) resolved += await resolve(ctx, alert.id, false);
    else if (!e || e.failingSince?.toISOString() !== alert.windowKey) resolved += await resolve(ctx, alert.id);
  }
  return { raised, resolved };
}

async function evaluateDisabledEndpoints(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const disabled = await ctx.db.webhookEndpoint.findMany({
    where: { disabledAt: { not: null } },
    select: { id: true, name: true, url: true, disabledAt: true, disabledReason: true },
    take: 100,
  });
  for (const e of disabled) {
    raised += await raise(ctx, {
      rule: "endpoint-disabled",
      subjectKey: `endpoint:${e.id}`,
      windowKey: e.disabledAt!.toISOString(),
      params: {
        name: e.name,
        host: new URL(e.url).host,
        disabledAt: e.disabledAt!.toISOString(),
        hasReason: yes(Boolean(e.disabledReason)),
        reason: e.disabledReason ? cut(e.disabledReason, ctx.env) : "",
      },
      link: ENDPOINTS_LINK,
    });
  }
  for (const alert of await openAlerts(ctx, "endpoint-disabled")) {
    const e = await ctx.db.webhookEndpoint.findUnique({ where: { id: alert.subjectKey.slice("endpoint:".length) }, select: { disabledAt: true } });
    if (e?.disabledAt?.toISOString() !== alert.windowKey) resolved += await resolve(ctx, alert.id);
  }
  return { raised, resolved };
}

// ---------------------------------------------------------------- failed orders this month

/** The start of the current calendar month in China (UTC+8), and its name ("2026-12"). */
export function chinaMonthOf(now: Date): { start: Date; name: string } {
  const china = new Date(now.getTime() + CHINA_OFFSET_MS);
  const start = new Date(Date.UTC(china.getUTCFullYear(), china.getUTCMonth(), 1) - CHINA_OFFSET_MS);
  return { start, name: `${china.getUTCFullYear()}-${String(china.getUTCMonth() + 1).padStart(2, "0")}` };
}

type FailedOrdersRow = { productId: string; n: number; orderIds: string[] };

/**
 * Real failed orders of this month by product: instances whose provisioning
 * failed this month (KooGallery then fails the order on 000005) and purchases
 * or upgrades whose retry window closed while failing (the order-window-closed
 * alerts, the one record of that). Instances are reached through
 * Instance(createdAt): provisioning fails within days of the purchase.
 */
export async function countFailedOrdersThisMonth(db: Db, now: Date): Promise<FailedOrdersRow[]> {
  const { start } = chinaMonthOf(now);
  const createdSince = new Date(start.getTime() - 31 * DAY_MS);
  const refunded = ["newInstance", "upgradeInstance", "upgrade"].map((a) => `%:${a}`);
  return runSql<FailedOrdersRow>(
    db,
    sql`WITH failed AS (
          SELECT i."orderId", COALESCE(i."productId", '') AS "productId"
            FROM "Instance" i
           WHERE i."createdAt" >= ${createdSince} AND i."provisionStatus" = 'FAILED' AND i."isTest" = false
             AND EXISTS (SELECT 1 FROM "InstanceEvent" e WHERE e."instanceId" = i.id AND e.kind = 'PROVISION_FAILED' AND e."createdAt" >= ${start})
          UNION
          SELECT split_part(a."subjectKey", ':', 2), COALESCE(i."productId", '')
            FROM "Alert" a
            LEFT JOIN "Order" o ON o."orderId" = split_part(a."subjectKey", ':', 2) AND o."isTest" = false
            LEFT JOIN "Instance" i ON i.id = o."instanceId"
           WHERE a.rule = 'order-window-closed' AND a."firedAt" >= ${start} AND a."subjectKey" LIKE ANY(${refunded}::text[])
        )
        SELECT "productId", count(DISTINCT "orderId")::int AS n, (array_agg(DISTINCT "orderId" ORDER BY "orderId"))[1:20] AS "orderIds"
          FROM failed GROUP BY "productId"`,
  );
}

async function evaluateMonthlyFailures(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  const threshold = ctx.setting.threshold ?? 3;
  const month = chinaMonthOf(ctx.now);
  for (const row of await countFailedOrdersThisMonth(ctx.db, ctx.now)) {
    if (row.n < threshold) continue;
    raised += await raise(ctx, {
      rule: "monthly-failed-orders",
      subjectKey: `product:${row.productId}`,
      windowKey: `${month.name}:${threshold}`,
      params: { count: row.n, product: row.productId || "?", month: month.name, orderIds: row.orderIds.join(", ") },
      link: "/portal",
    });
  }
  return { raised, resolved: 0 };
}

// ---------------------------------------------------------------- signature refusals

type RefusalRow = { family: string; n: number };

/** Refusals for a bad signature in the last 10 minutes, SaaS and Kit apart (a COUNTED row stands for its tally). */
export async function countSignatureRefusals(db: Db, now: Date): Promise<Map<string, number>> {
  const since = new Date(now.getTime() - SIGNATURE_WINDOW_MS);
  const rows = await runSql<RefusalRow>(
    db,
    sql`SELECT CASE WHEN endpoint LIKE 'kit/%' THEN 'kit' ELSE endpoint END AS family,
               sum(CASE WHEN verification = 'BAD_SIGNATURE' THEN 1
                        ELSE COALESCE(("verificationInfo"->'outcomes'->>'BAD_SIGNATURE')::int, 0) END)::int AS n
          FROM "CallbackLog"
         WHERE verification IN ('BAD_SIGNATURE', 'COUNTED') AND "receivedAt" >= ${since} AND "receivedAt" <= ${now}
         GROUP BY 1`,
  );
  return new Map(rows.map((r) => [r.family, Number(r.n)]));
}

async function evaluateSignatureRefusals(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const threshold = ctx.setting.threshold ?? 5;
  const counts = await countSignatureRefusals(ctx.db, ctx.now);
  const open = await openAlerts(ctx, "signature-refusals");
  for (const [family, n] of counts) {
    if (n <= threshold || open.some((a) => a.subjectKey === `signature:${family}`)) continue;
    raised += await raise(ctx, {
      rule: "signature-refusals",
      subjectKey: `signature:${family}`,
      windowKey: ctx.now.toISOString(),
      params: { count: n, family: family === "saas" || family === "kit" ? phrase(`family.${family}`) : family, threshold },
      link: "/portal/callbacks?verification=BAD_SIGNATURE",
    });
  }
  for (const alert of open) {
    if ((counts.get(alert.subjectKey.slice("signature:".length)) ?? 0) <= threshold) resolved += await resolve(ctx, alert.id);
  }
  return { raised, resolved };
}

// ---------------------------------------------------------------- expiring instances

async function evaluateExpiringInstances(ctx: Context): Promise<EvaluationResult> {
  let raised = 0;
  let resolved = 0;
  const days = ctx.setting.threshold ?? 7;
  const expiring = await ctx.db.instance.findMany({
    where: { state: "ACTIVE", isTest: false, expireAt: { gt: ctx.now, lte: new Date(ctx.now.getTime() + days * DAY_MS) } },
    select: { id: true, orderId: true, customerName: true, expireAt: true },
    orderBy: { expireAt: "asc" },
    take: 200,
  });
  for (const i of expiring) {
    raised += await raise(ctx, {
      rule: "instance-expiring",
      subjectKey: `instance:${i.id}`,
      windowKey: i.expireAt!.toISOString(),
      params: {
        instanceId: i.id,
        orderId: i.orderId,
        hasCustomer: yes(Boolean(i.customerName)),
        customerName: i.customerName ?? "",
        expireAt: i.expireAt!.toISOString(),
        // The day alone, in China's calendar (KooGallery's).
        expireDate: new Date(i.expireAt!.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10),
      },
      link: `/portal/instances/${encodeURIComponent(i.id)}`,
    });
  }
  for (const alert of await openAlerts(ctx, "instance-expiring")) {
    const i = await ctx.db.instance.findUnique({ where: { id: alert.subjectKey.slice("instance:".length) }, select: { expireAt: true, state: true } });
    const isRenewed = Boolean(i?.expireAt && i.expireAt.getTime() > new Date(alert.windowKey).getTime());
    if (isRenewed) resolved += await resolve(ctx, alert.id);
    // Expired or released without a renewal: nothing more to say.
    else if (!i || i.state !== "ACTIVE" || ctx.now.getTime() >= new Date(alert.windowKey).getTime()) resolved += await resolve(ctx, alert.id, false);
  }
  return { raised, resolved };
}

// ---------------------------------------------------------------- all rules

const EVALUATORS: Record<AlertRuleName, ((ctx: Context) => Promise<EvaluationResult>) | undefined> = {
  "provisioning-failed": resolveProvisioning,
  "order-window-closing": evaluateRetryWindows,
  // Raised by evaluateRetryWindows when a closing window closes; a one-off.
  "order-window-closed": undefined,
  "job-dead": evaluateDeadJobs,
  "endpoint-failing": evaluateFailingEndpoints,
  "endpoint-disabled": evaluateDisabledEndpoints,
  "monthly-failed-orders": evaluateMonthlyFailures,
  "signature-refusals": evaluateSignatureRefusals,
  "instance-expiring": evaluateExpiringInstances,
};

/**
 * Runs every rule. A disabled rule raises nothing (raiseAlert checks) but its
 * open alerts are still resolved when their condition clears. One rule's
 * failure does not stop the others; the job reports the first.
 */
export async function evaluateAlerts(db: Db, now: Date = new Date()): Promise<Record<AlertRuleName, EvaluationResult>> {
  const env = getEnv();
  const settings = await readRuleSettings(db);
  const out = {} as Record<AlertRuleName, EvaluationResult>;
  let firstError: unknown;
  for (const [rule, evaluate] of Object.entries(EVALUATORS) as [AlertRuleName, (typeof EVALUATORS)[AlertRuleName]][]) {
    if (!evaluate) continue;
    try {
      out[rule] = await evaluate({ db, now, env, setting: settings[rule] });
    } catch (error) {
      firstError ??= error;
    }
  }
  if (firstError) throw firstError instanceof Error ? firstError : new Error(String(firstError));
  return out;
}

export async function runEvaluateAlertsJob(db: Db): Promise<void> {
  await evaluateAlerts(db);
}
