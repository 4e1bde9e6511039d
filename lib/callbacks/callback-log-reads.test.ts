// The portal's callback log reads on a real database (embedded PGlite; a
// throw-away PostgreSQL database with TEST_DB=postgres): filters and keyset
// paging, a tenant admin's scope, the detail's signature breakdown (never a
// key or a secret), KooGallery's retry windows, and "Retry matching…" (dry-run
// counts, then a real run whose re-runs are logged and linked).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const BASIC_KEY = "logs-basic-key-do-not-show";
const KIT_KEY = "logs-kit-key-do-not-show";
await prepareInProcessDatabase("kg-callback-logs", { KOOGALLERY_ACCESS_KEY: BASIC_KEY, KOOGALLERY_KIT_ACCESS_KEY: KIT_KEY }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { sendKitCall } = await import("@/testing/support/send-kit-call");
const { buildV1GetRequest, buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { listCallbackLogs } = await import("@/lib/callbacks/list-callback-logs");
const { callbackLogFilterFromSearchParams, parseCallbackLogFilter } = await import("@/lib/callbacks/callback-log-filter");
const { ALL_CALLBACKS, callbackViewerScope, isCallbackLogInScope } = await import("@/lib/callbacks/callback-log-scope");
const { getCallbackLog } = await import("@/lib/callbacks/get-callback-log");
const { computeRetryWindow } = await import("@/lib/koogallery/retry-windows");
const { parseBulkRetryBody, retryMatchingCallbacks } = await import("@/lib/callbacks/retry-matching-callbacks");
const { parseLogId, requireOperator } = await import("@/lib/portal/callback-access");
const { PortalError } = await import("@/lib/errors");
type CallbackLogFilter = import("@/lib/callbacks/callback-log-filter").CallbackLogFilter;
type BuyerAdmin = Extract<import("@/lib/auth/viewer").PortalViewer, { kind: "buyer" }>;

const BASE = "http://portal.test/api/koogallery/saas";

async function v2(body: Record<string, unknown>, opts: { key?: string; timestamp?: string } = {}): Promise<Record<string, unknown> & { nonce: string | null }> {
  const req = buildV2BasicRequest({ baseUrl: BASE, accessKey: opts.key ?? BASIC_KEY, body, timestamp: opts.timestamp });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  return { ...(JSON.parse(answer.body) as Record<string, unknown>), nonce: new URL(req.url).searchParams.get("nonce") };
}

async function v1(params: Record<string, string>) {
  const req = buildV1GetRequest({ baseUrl: BASE, accessKey: BASIC_KEY, params });
  const answer = await handleCall({ method: "GET", url: req.url, headers: {}, rawBody: "" });
  return JSON.parse(answer.body) as Record<string, unknown>;
}

async function kit(kitName: "tenantSync" | "authSync" | "applicationSync", body: Record<string, unknown>) {
  return sendKitCall({ kitName, accessKey: KIT_KEY, body: { timeStamp: "20260101120000000", ...body } });
}

async function lastLog(where: Record<string, unknown>) {
  const db = await getDb();
  return db.callbackLog.findFirstOrThrow({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }] });
}

/** Rows from now on: earlier tests' rows fall outside `from`. */
async function startOfTest(): Promise<Date> {
  const at = new Date();
  await new Promise((r) => setTimeout(r, 5));
  return at;
}

const newOrder = () => {
  const orderId = `CS${randomUUID().slice(0, 12).toUpperCase()}`;
  return { orderId, orderLineId: `${orderId}-000001` };
};

// ------------------------------------------------------------------ list

test("the list filters by every field, pages by (receivedAt, id) without gaps, and shows summaries only", async () => {
  const db = await getDb();
  // A year of its own in the past, so other tests' rows never match and "newest" is never one of these; ties on receivedAt test the id tie-break.
  const at = (minute: number) => new Date(Date.UTC(2001, 0, 1, 0, minute));
  const tenantId = `t-${randomUUID()}`;
  const instanceId = `i-${randomUUID()}`;
  const base = {
    endpoint: "saas",
    generation: "V2" as "V1" | "V2",
    method: "POST",
    verification: "OK",
    resultCode: "000000",
    latencyMs: 3,
    requestMasked: { body: { secret: "x" } },
  };
  const rows = Array.from({ length: 23 }, (_, i) => ({
    ...base,
    id: randomUUID(),
    receivedAt: at(Math.floor(i / 3)),
    activity: i % 2 === 0 ? "newInstance" : "refreshInstance",
    orderId: i === 4 ? "CS-LIST-4" : null,
    instanceId: i % 5 === 0 ? instanceId : null,
    tenantId: i === 7 ? tenantId : null,
  }));
  rows.push(
    {
      ...base,
      id: randomUUID(),
      receivedAt: at(30),
      activity: "queryInstance",
      generation: "V1",
      method: "GET",
      resultCode: "000003",
      orderId: null,
      instanceId: null,
      tenantId: null,
    },
    {
      ...base,
      id: randomUUID(),
      receivedAt: at(31),
      activity: "queryInstance",
      verification: "BAD_SIGNATURE",
      resultCode: "000001",
      orderId: null,
      instanceId: null,
      tenantId: null,
    },
    { ...base, id: randomUUID(), receivedAt: at(32), activity: "authSync", endpoint: "kit/authSync", orderId: null, instanceId: null, tenantId },
  );
  await db.callbackLog.createMany({ data: rows });
  await db.callbackLog.createMany({
    data: [
      { ...base, id: randomUUID(), receivedAt: at(33), activity: "newInstance", isTest: true },
      { ...base, id: randomUUID(), receivedAt: at(34), activity: "newInstance", resultCode: "000005", retryOfId: rows[0]!.id },
    ],
  });
  const range = { from: at(0), to: at(60) };

  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const page = await listCallbackLogs(db, ALL_CALLBACKS.logs, { ...range, limit: 4, cursor });
    seen.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  const all = await db.callbackLog.findMany({
    where: { receivedAt: { gte: range.from, lt: range.to }, isTest: false },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    select: { id: true },
  });
  assert.equal(seen.length, rows.length + 1, "every non-test row once (the retry row included)");
  assert.deepEqual(
    seen,
    all.map((r) => r.id),
    "newest first, ties broken by id, no gaps or repeats",
  );

  const page = await listCallbackLogs(db, ALL_CALLBACKS.logs, { ...range, limit: 200 });
  const item = page.items[0]!;
  for (const hidden of ["requestMasked", "responseMasked", "requestSealed", "verificationInfo", "handlerNote"])
    assert.ok(!(hidden in item), `${hidden} is not in a summary`);

  const ids = async (filter: CallbackLogFilter) => (await listCallbackLogs(db, ALL_CALLBACKS.logs, { ...range, ...filter, limit: 200 })).items;
  assert.equal((await ids({ activity: "newInstance" })).length, 13);
  assert.equal((await ids({ activity: "newInstance", includeTest: true })).length, 14, "test rows only on request");
  assert.deepEqual(
    (await ids({ generation: "V1" })).map((r) => r.method),
    ["GET"],
  );
  assert.deepEqual(
    (await ids({ resultCode: "000003" })).map((r) => r.activity),
    ["queryInstance"],
  );
  assert.deepEqual((await ids({ failedOnly: true })).map((r) => r.resultCode).sort(), ["000001", "000003", "000005"]);
  assert.deepEqual(
    (await ids({ verification: "BAD_SIGNATURE" })).map((r) => r.canRetry),
    [false],
  );
  assert.deepEqual(
    (await ids({ endpoint: "kit/authSync" })).map((r) => r.activity),
    ["authSync"],
  );
  assert.deepEqual(
    (await ids({ orderId: "CS-LIST-4" })).map((r) => r.id),
    [rows[4]!.id],
  );
  assert.equal((await ids({ instanceId })).length, 5);
  assert.equal((await ids({ tenantId })).length, 2);
  assert.equal((await ids({ q: tenantId })).length, 2, "the search box matches the tenant");
  assert.equal((await ids({ q: "CS-LIST-4" })).length, 1, "… and the order");
  assert.deepEqual(
    (await ids({ retriesOnly: true })).map((r) => r.retryOfId),
    [rows[0]!.id],
  );
  assert.equal((await ids({ from: at(2), to: at(3) })).length, 3, "from is inclusive, to exclusive");
  assert.ok((await ids({ verification: "OK" })).every((r) => r.canRetry));
});

test("bad filters, bodies and ids are refused with a message that names the field; only operators and owners may re-run", () => {
  const refused = (value: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseCallbackLogFilter(value),
      (e: unknown) => e instanceof PortalError && e.code === "bad_request" && pattern.test(e.message),
    );
  refused({ generation: "V3" }, /generation must be V1 or V2/);
  refused({ resultCode: "abc" }, /resultCode must be six digits/);
  refused({ from: "yesterday" }, /from must be an ISO 8601 time/);
  refused({ from: "2026-02-01T00:00:00Z", to: "2026-01-01T00:00:00Z" }, /from must be before to/);
  refused({ verification: "MAYBE" }, /verification must be one of/);
  refused({ endpoint: "../etc" }, /endpoint must be/);
  refused({ failedOnly: "yes" }, /failedOnly must be true or false/);
  refused({ orderID: "x" }, /unknown filter "orderID"/);
  const badBody = (value: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseBulkRetryBody(value),
      (e: unknown) => e instanceof PortalError && e.code === "bad_request" && pattern.test(e.message),
    );
  badBody([], /body must be a JSON object/);
  badBody({ filter: {} }, /dryRun must be true or false/);
  badBody({ dryRun: true, limit: 501 }, /limit must be at most 500/);
  badBody({ dryRun: true, limit: 0 }, /limit must be at least 1/);
  badBody({ dryRun: true, filter: { generation: "V9" } }, /filter\.generation must be V1 or V2/);
  badBody({ dryRun: true, everything: true }, /unknown field "everything"/);
  badBody({ dryRun: false, ids: [] }, /ids must name at least one call/);
  badBody({ dryRun: false, ids: Array.from({ length: 26 }, (_, i) => `id-${i}`) }, /ids must name at most 25 calls/);
  assert.deepEqual(parseBulkRetryBody({ dryRun: false, ids: ["a", "b"] }).ids, ["a", "b"]);
  assert.deepEqual(parseBulkRetryBody({ dryRun: false, filter: { failedOnly: true, from: "2026-11-25T00:00:00Z" } }), {
    dryRun: false,
    limit: undefined,
    filter: { failedOnly: true, from: new Date("2026-11-25T00:00:00Z") },
  });
  assert.throws(() => parseLogId("../../etc"), /logId must be a UUID/);
  const staff = (role: "OWNER" | "OPERATOR" | "VIEWER") => ({ kind: "staff" as const, staffId: "s1", email: "s@example.com", name: "S", role });
  assert.equal(requireOperator(staff("OPERATOR")).staffId, "s1");
  assert.equal(requireOperator(staff("OWNER")).staffId, "s1");
  assert.throws(
    () => requireOperator(staff("VIEWER")),
    (e: unknown) => e instanceof PortalError && e.status === 403,
  );
  assert.throws(
    () => requireOperator({ kind: "buyer", tenantId: "t", userName: "u", name: "U", role: "admin", orgCode: "1", tenantRowIds: [] }),
    (e: unknown) => e instanceof PortalError && e.status === 403,
  );
  const params = new URLSearchParams({ failedOnly: "1", includeTest: "false", activity: "newInstance", generation: "", cursor: "ignored" });
  assert.deepEqual(callbackLogFilterFromSearchParams(params), { failedOnly: true, includeTest: false, activity: "newInstance" });
});

// ------------------------------------------------------------------ scope

test("a tenant admin sees their enterprise's logs (by tenant or bound instance) and nothing of another's", async () => {
  const db = await getDb();
  const make = async () => {
    const order = newOrder();
    const created = await v2({ activity: "newInstance", ...order, businessId: randomUUID() });
    assert.equal(created.resultCode, "000000");
    const instanceId = String(created.instanceId);
    const tenantId = `t-${randomUUID()}`;
    assert.equal(
      (
        await kit("tenantSync", {
          tenantId,
          instanceId,
          orderId: order.orderId,
          tenantCode: `c${randomUUID().slice(0, 6)}`,
          name: "Acme",
          domainName: "https://idp.example",
          flag: 1,
        })
      ).resultCode,
      "000000",
    );
    return { instanceId, tenantId, order };
  };
  const a = await make();
  const b = await make();
  const admin = (tenantId: string): BuyerAdmin => ({ kind: "buyer", tenantId, userName: "ann", name: "Ann", role: "admin", orgCode: "1", tenantRowIds: [] });
  const scope = await callbackViewerScope(db, admin(a.tenantId));
  const page = await listCallbackLogs(db, scope.logs, { limit: 200 });
  assert.deepEqual(page.items.map((r) => r.activity).sort(), ["newInstance", "tenantSync"], "A's purchase (by instance) and A's sync (by tenant)");
  assert.ok(page.items.every((r) => r.tenantId === a.tenantId || r.instanceId === a.instanceId));

  const bLog = await lastLog({ tenantId: b.tenantId });
  assert.equal(await getCallbackLog(db, scope, bLog.id), null, "another enterprise's log is not found");
  assert.equal(await isCallbackLogInScope(db, scope.logs, bLog.id), false);
  assert.equal((await listCallbackLogs(db, scope.logs, { tenantId: b.tenantId })).items.length, 0, "filtering by another tenant finds nothing");
  const aLog = await lastLog({ tenantId: a.tenantId });
  const detail = await getCallbackLog(db, scope, aLog.id);
  assert.ok(detail?.handler.tenant?.tenantRowId, "the tenant link resolves inside A's scope");
  const staff = await getCallbackLog(db, ALL_CALLBACKS, bLog.id);
  assert.equal(staff?.handler.tenant?.tenantId, b.tenantId, "staff see every log");
});

// ------------------------------------------------------------------ detail

test("the detail explains the signature check, names keys but never shows a key or a secret", async () => {
  const db = await getDb();
  const order = newOrder();
  const ok = await v2({ activity: "newInstance", ...order, businessId: randomUUID() });
  const okLog = await lastLog({ orderId: order.orderId });
  const detail = await getCallbackLog(db, ALL_CALLBACKS, okLog.id);
  assert.ok(detail);
  assert.equal(detail.signature.isVerified, true);
  assert.equal(detail.signature.keyName, "basic");
  assert.match(detail.signature.keyLabel ?? "", /KOOGALLERY_ACCESS_KEY/);
  assert.equal(detail.signature.canonicalForm, "top-sorted");
  assert.equal(detail.signature.nonce, ok.nonce);
  assert.ok(detail.signature.skewSeconds !== null && Math.abs(detail.signature.skewSeconds) < 60);
  assert.equal(detail.canRetry, true);
  assert.equal(detail.handler.instance?.isKnown, true);
  assert.deepEqual(
    detail.handler.instanceEvents.map((e) => e.kind),
    ["CREATED_AND_PROVISIONED"],
    "what the handler did, from the events it recorded",
  );
  assert.equal(detail.retryWindow, null, "a success has no retry window");

  // A body with a password field, signed with a key we do not have.
  await v2({ activity: "queryInstance", instanceId: "x", password: "hunter2-secret-value" }, { key: "an-unknown-key-value" });
  const bad = await lastLog({ verification: "BAD_SIGNATURE" });
  const badDetail = await getCallbackLog(db, ALL_CALLBACKS, bad.id);
  assert.ok(badDetail);
  assert.equal(badDetail.signature.isVerified, false);
  assert.deepEqual(badDetail.signature.keysTried, ["basic"], "distinct keys tried, by name");
  assert.match(badDetail.signature.failure ?? "", /No configured key reproduces the signature/);
  assert.equal(badDetail.canRetry, false);
  assert.match(badDetail.cannotRetryReason ?? "", /failed verification/);

  await v2({ activity: "queryInstance", instanceId: "y" }, { timestamp: String(Date.now() - 5 * 60_000) });
  const stale = await getCallbackLog(db, ALL_CALLBACKS, (await lastLog({ verification: "BAD_TIMESTAMP" })).id);
  assert.match(stale?.signature.failure ?? "", /s old, outside the 60 s window/);
  assert.ok((stale?.signature.skewSeconds ?? 0) >= 299);

  for (const d of [detail, badDetail, stale]) {
    const text = JSON.stringify(d);
    for (const secret of [BASIC_KEY, KIT_KEY, "an-unknown-key-value", "hunter2-secret-value"]) assert.ok(!text.includes(secret), `no ${secret} in the detail`);
    assert.ok(!text.includes("requestSealed") && !text.includes(okLog.requestSealed!), "never the sealed request");
  }
  assert.equal((badDetail.request as { body: { password: string } }).body.password, "••••••", "the request is shown masked");
});

// ------------------------------------------------------------------ retry windows

test("retry window maths follows protocol:retry-windows.md per activity", () => {
  const now = new Date("2026-11-25T12:00:00Z");
  const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000);
  const window = (activity: string, firstAttemptAt: Date, extra: Partial<Parameters<typeof computeRetryWindow>[0]> = {}) =>
    computeRetryWindow({ activity, generation: "V2", resultCode: "000005", firstAttemptAt, now, isSettled: false, ...extra });

  const purchase = window("newInstance", ago(60));
  assert.ok(purchase);
  assert.equal(purchase.windowHours, 3);
  assert.equal(purchase.everyMinutes, 60);
  assert.equal(purchase.remainingSeconds, 2 * 3600);
  assert.equal(purchase.closesAt.toISOString(), "2026-11-25T14:00:00.000Z");
  assert.equal(purchase.isOpen, true);
  assert.equal(purchase.isPurchase, true);
  assert.match(purchase.afterWindow, /refunded/);

  const closed = window("newInstance", ago(181));
  assert.equal(closed?.remainingSeconds, 0);
  assert.equal(closed?.isOpen, false);
  assert.equal(window("newInstance", ago(10), { isSettled: true })?.isOpen, false, "settled: KooGallery will not re-send");
  assert.equal(window("upgradeInstance", ago(0))?.remainingSeconds, 3 * 3600);
  assert.equal(window("refreshInstance", ago(30))?.remainingSeconds, 90 * 60, "renewals: 2 h");
  assert.equal(window("releaseInstance", ago(0), { generation: "V1" })?.windowHours, 1, "V1 release: 1 h");
  assert.equal(window("releaseInstance", ago(0)), null, "V2 release: no documented retry");
  assert.equal(window("queryInstance", ago(0)), null);
  assert.equal(window("authSync", ago(0)), null, "Kit syncs: the buyer decides");
  assert.equal(window("newInstance", ago(0), { resultCode: "000000" }), null);
  assert.equal(window("newInstance", ago(0), { resultCode: "000004" }), null, "in progress: KooGallery polls queryInstance instead");
});

test("a failed renewal's window runs from KooGallery's first attempt, also when seen from a retry", async () => {
  const db = await getDb();
  const instanceId = randomUUID();
  const order = newOrder();
  const refresh = { activity: "refreshInstance", scene: "RENEWAL", instanceId, ...order, expireTime: "20300101000000" };
  assert.equal((await v2(refresh)).resultCode, "000003");
  // A refused call is linked by what it named: the instance.
  const first = await lastLog({ instanceId });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal((await v2(refresh)).resultCode, "000003", "KooGallery re-sends, fresh signature and nonce");
  const second = await lastLog({ instanceId });
  assert.notEqual(first.id, second.id);

  const now = new Date(first.receivedAt.getTime() + 30 * 60_000);
  const detail = await getCallbackLog(db, ALL_CALLBACKS, second.id, now);
  assert.equal(detail?.retryWindow?.windowHours, 2);
  assert.equal(detail?.retryWindow?.firstAttemptAt.toISOString(), first.receivedAt.toISOString());
  assert.equal(detail?.retryWindow?.remainingSeconds, 90 * 60);
  assert.equal(detail?.retryWindow?.isOpen, true);
  assert.equal(detail?.appliedById, null);
});

// ------------------------------------------------------------------ bulk retry

test("Retry matching…: the dry run counts would-run, already-applied, superseded, cannot-retry and duplicates; the run re-runs and links", async () => {
  const db = await getDb();
  const since = await startOfTest();
  // Instance A's renewal fails (A does not exist yet), twice; instance B gets a renewal, a freeze and a refused call.
  const instanceId = randomUUID();
  const other = randomUUID();
  const [o1, o2, o3] = [newOrder(), newOrder(), newOrder()];
  const refresh = (o: { orderId: string; orderLineId: string }, id = instanceId) => ({
    activity: "refreshInstance",
    scene: "RENEWAL",
    instanceId: id,
    ...o,
    expireTime: "20300101000000",
  });
  assert.equal((await v2(refresh(o1))).resultCode, "000003");
  const r1 = await lastLog({ instanceId });
  assert.equal((await v2(refresh(o1))).resultCode, "000003");
  const r1b = await lastLog({ instanceId });
  assert.equal((await v2({ activity: "updateInstanceStatus", instanceId: other, status: "FREEZE" })).resultCode, "000003");
  const freeze = await lastLog({ instanceId: other });
  assert.equal((await v2(refresh(o2, other))).resultCode, "000003");
  const r2 = await lastLog({ instanceId: other });
  assert.equal((await v2(refresh(o3, other), { key: "not-the-key" })).resultCode, "000001");
  const refused = await lastLog({ verification: "BAD_SIGNATURE", receivedAt: { gte: since } });
  // B arrives; KooGallery's own re-send of o2 then succeeds: o2 is applied, and the older freeze of B is superseded by it.
  assert.equal((await v2({ activity: "newInstance", ...newOrder(), businessId: other })).resultCode, "000000");
  assert.equal((await v2(refresh(o2, other))).resultCode, "000000");
  const o2Success = await lastLog({ instanceId: other, resultCode: "000000", activity: "refreshInstance" });
  // A arrives after its renewal failed: a purchase supersedes nothing (that renewal is exactly what to re-run).
  assert.equal((await v2({ activity: "newInstance", ...newOrder(), businessId: instanceId })).resultCode, "000000");

  const filter: CallbackLogFilter = { from: since };
  const scope = ALL_CALLBACKS.logs;
  const dry = await retryMatchingCallbacks(db, scope, { filter, isDryRun: true, actor: "staff:test" });
  const decisions = Object.fromEntries(dry.items.map((i) => [i.id, i.decision]));
  assert.deepEqual(decisions, { [r1.id]: "run", [r1b.id]: "duplicate", [freeze.id]: "superseded", [r2.id]: "alreadyApplied", [refused.id]: "cannotRetry" });
  assert.deepEqual(
    {
      wouldRun: dry.counts.wouldRun,
      alreadyApplied: dry.counts.alreadyApplied,
      superseded: dry.counts.superseded,
      cannotRetry: dry.counts.cannotRetry,
      duplicates: dry.counts.duplicates,
    },
    { wouldRun: 1, alreadyApplied: 1, superseded: 1, cannotRetry: 1, duplicates: 1 },
  );
  assert.match(dry.message, /^1 would run, 1 already applied, 1 superseded by a newer call, 1 cannot be retried/);
  assert.equal(dry.items.find((i) => i.id === freeze.id)?.supersededById, o2Success.id, "the newer call that superseded it");
  assert.match(dry.items.find((i) => i.id === freeze.id)?.reason ?? "", /newer call for the same instance succeeded/);
  assert.equal(dry.items.find((i) => i.id === r1b.id)?.sameAsId, r1.id);
  assert.equal((await getCallbackLog(db, ALL_CALLBACKS, freeze.id))?.supersededById, o2Success.id, "the detail says so too");
  assert.equal(await db.callbackLog.count({ where: { retryOfId: { not: null }, receivedAt: { gte: since } } }), 0, "a dry run re-runs nothing");

  // Bounded: a limit below the number of matches says so.
  const capped = await retryMatchingCallbacks(db, scope, { filter, isDryRun: true, limit: 2, actor: "staff:test" });
  assert.equal(capped.isCapped, true);
  assert.equal(capped.items.length, 2);
  assert.match(capped.message, /only the newest 2 were considered/);
  await assert.rejects(
    retryMatchingCallbacks(db, scope, { filter, isDryRun: true, limit: 501, actor: "staff:test" }),
    (e: unknown) => e instanceof PortalError && e.code === "bad_request",
  );

  // A part of the run naming only a call the plan would not run re-runs nothing (the page sends its dry run's calls).
  const part = await retryMatchingCallbacks(db, scope, { filter, isDryRun: false, actor: "staff:test", onlyIds: [r2.id] });
  assert.deepEqual([part.counts.succeeded, part.counts.failed], [0, 0]);
  assert.equal(await db.callbackLog.count({ where: { retryOfId: { in: [r1.id, r2.id] } } }), 0);

  const run = await retryMatchingCallbacks(db, scope, { filter, isDryRun: false, actor: "staff:test" });
  assert.equal(run.isDryRun, false);
  assert.deepEqual(
    { succeeded: run.counts.succeeded, failed: run.counts.failed, superseded: run.counts.superseded },
    { succeeded: 1, failed: 0, superseded: 1 },
  );
  assert.match(run.message, /1 superseded by a newer call/);
  const ran = run.items.find((i) => i.id === r1.id)?.retry;
  assert.ok(ran && "logId" in ran && ran.logId);
  assert.equal(ran.resultCode, "000000");
  const retryRow = await db.callbackLog.findUniqueOrThrow({ where: { id: ran.logId } });
  assert.equal(retryRow.retryOfId, r1.id, "the re-run is its own row, linked to the call it re-ran");
  assert.equal(retryRow.verification, "RETRY");
  assert.equal(await db.callbackLog.count({ where: { retryOfId: { in: [r1b.id, r2.id, freeze.id, refused.id] } } }), 0, "only the one that had to run ran");

  const again = await retryMatchingCallbacks(db, scope, { filter, isDryRun: true, actor: "staff:test" });
  assert.equal(again.counts.wouldRun, 0, "after the run, nothing is left to do");
  assert.equal(again.items.find((i) => i.id === r1.id)?.decision, "alreadyApplied");
  assert.equal(again.items.find((i) => i.id === r1b.id)?.appliedById, ran.logId, "the re-send is applied by the retry of its twin");

  const detail = await getCallbackLog(db, ALL_CALLBACKS, r1.id);
  assert.deepEqual(
    detail?.retries.map((r) => r.id),
    [ran.logId],
  );
  assert.equal(detail?.appliedById, ran.logId);
  assert.equal(detail?.retryWindow?.isSettled, true);
  assert.equal(detail?.retryWindow?.isOpen, false);
  const retryDetail = await getCallbackLog(db, ALL_CALLBACKS, ran.logId);
  assert.equal(retryDetail?.original?.id, r1.id);
  assert.equal(retryDetail?.signature.outcome, "RETRY");
  assert.equal(retryDetail?.signature.retryOfId, r1.id);
});

test("a V1 call is the same request across re-sends, whatever its timeStamp and authToken", async () => {
  const db = await getDb();
  const since = await startOfTest();
  const instanceId = randomUUID();
  assert.equal((await v1({ activity: "instanceStatus", instanceId, instanceStatus: "FREEZE" })).resultCode, "000003");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal((await v1({ activity: "instanceStatus", instanceId, instanceStatus: "FREEZE" })).resultCode, "000003");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal((await v1({ activity: "instanceStatus", instanceId, instanceStatus: "NORMAL" })).resultCode, "000003");
  const rows = await db.callbackLog.findMany({ where: { instanceId }, orderBy: { receivedAt: "asc" }, select: { id: true, requestMasked: true } });
  assert.equal(rows.length, 3);
  const plan = await retryMatchingCallbacks(db, ALL_CALLBACKS.logs, { filter: { instanceId, from: since }, isDryRun: true, actor: "staff:test" });
  assert.deepEqual(
    plan.items.map((i) => i.decision),
    ["run", "duplicate", "run"],
    "the FREEZE re-send is a duplicate; NORMAL is another request",
  );
});

test("Retry matching…: a failed Kit sync is superseded by a newer success of the same tenant and sync, not by another tenant's or another sync", async () => {
  const db = await getDb();
  const since = await startOfTest();
  const [a, b] = [`t-${randomUUID()}`, `t-${randomUUID()}`];
  const app = (tenantId: string, flag: number) => ({
    instanceId: `i-${tenantId}`,
    tenantId,
    appId: "app-1",
    clientId: "client-1",
    clientSecret: "not-rsa-ciphertext",
    flag,
  });
  // No RSA key is configured here: an add is refused (000101) and a delete (no secret) succeeds.
  assert.notEqual((await kit("applicationSync", app(a, 1))).resultCode, "000000");
  const failedA = await lastLog({ tenantId: a });
  assert.notEqual((await kit("applicationSync", app(b, 1))).resultCode, "000000");
  const failedB = await lastLog({ tenantId: b });
  assert.equal(
    (await kit("tenantSync", { tenantId: b, instanceId: `i-${b}`, orderId: "CS1", tenantCode: "b", name: "B", domainName: "https://b.example", flag: 1 }))
      .resultCode,
    "000000",
  );
  assert.equal((await kit("applicationSync", app(a, 0))).resultCode, "000000");
  const newerA = await lastLog({ tenantId: a, resultCode: "000000" });

  const dry = await retryMatchingCallbacks(db, ALL_CALLBACKS.logs, { filter: { from: since }, isDryRun: true, actor: "staff:test" });
  const byId = new Map(dry.items.map((i) => [i.id, i]));
  assert.equal(byId.get(failedA.id)?.decision, "superseded");
  assert.equal(byId.get(failedA.id)?.supersededById, newerA.id);
  assert.match(byId.get(failedA.id)?.reason ?? "", /the same tenant's applicationSync/);
  assert.equal(byId.get(failedB.id)?.decision, "run", "B's tenantSync is another sync; A's delete another tenant");
});
