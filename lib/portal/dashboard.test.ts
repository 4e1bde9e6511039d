// The dashboard's reads in-process on a real database (embedded PGlite; a
// throw-away PostgreSQL database with TEST_DB=postgres): instance counts,
// hourly callback buckets, failing orders with the retry window left, the
// manual-action lists, and a tenant admin limited to their own data. Each test
// uses its own clock far from the others, so their callback rows never mix.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const ACCESS_KEY = "dashboard-basic-key-0123456789";
await prepareInProcessDatabase("kg-dashboard", { KOOGALLERY_ACCESS_KEY: ACCESS_KEY }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { dashboardScopeOf, getDashboard } = await import("@/lib/portal/dashboard");
const { getEnv } = await import("@/lib/env");
const { secretValuesOf } = await import("@/lib/portal/error-text");
type InstanceState = import("@/lib/generated/prisma/client").InstanceState;
type PortalViewer = import("@/lib/auth/viewer").PortalViewer;

const HOUR = 60 * 60 * 1000;
const MIN = 60 * 1000;
const STAFF: PortalViewer = { kind: "staff", staffId: "s1", email: "owner@example.test", name: "Owner", role: "OWNER" };

async function instance(
  state: InstanceState,
  extra: { isTest?: boolean; provisionStatus?: "PENDING" | "DONE" | "FAILED"; provisionError?: string; id?: string } = {},
): Promise<string> {
  const db = await getDb();
  const id = extra.id ?? `inst-${randomUUID()}`;
  await db.instance.create({
    data: {
      id,
      orderKey: `CS-${id}/1`,
      orderId: `CS-${id}`,
      generation: "V2",
      provisionAdapter: "builtin",
      state,
      isTest: extra.isTest ?? false,
      provisionStatus: extra.provisionStatus ?? (state === "ACTIVE" ? "DONE" : "PENDING"),
      provisionError: extra.provisionError ?? null,
    },
  });
  return id;
}

type LogInput = {
  at: Date;
  activity?: string;
  resultCode?: string;
  verification?: string;
  orderId?: string;
  instanceId?: string;
  tenantId?: string;
  isTest?: boolean;
  verificationInfo?: Record<string, number>;
};

async function log(input: LogInput): Promise<string> {
  const db = await getDb();
  const row = await db.callbackLog.create({
    data: {
      receivedAt: input.at,
      endpoint: "saas",
      generation: "V2",
      method: "POST",
      activity: input.activity ?? "newInstance",
      verification: input.verification ?? "OK",
      resultCode: input.resultCode ?? "000000",
      latencyMs: 3,
      orderId: input.orderId ?? null,
      instanceId: input.instanceId ?? null,
      tenantId: input.tenantId ?? null,
      isTest: input.isTest ?? false,
      requestMasked: {},
      ...(input.verificationInfo ? { verificationInfo: input.verificationInfo } : {}),
    },
    select: { id: true },
  });
  return row.id;
}

test("counts instances by state, without test data", async () => {
  const db = await getDb();
  const before = (await getDashboard(db, { kind: "all" })).instancesByState;
  for (const s of ["ACTIVE", "ACTIVE", "ACTIVE", "FROZEN", "FROZEN", "PROVISIONING", "RELEASED"] as const) await instance(s);
  await instance("ACTIVE", { isTest: true });
  await instance("PROVISIONING", { isTest: true });
  const after = (await getDashboard(db, { kind: "all" })).instancesByState;
  assert.deepEqual(
    {
      ACTIVE: after.ACTIVE - before.ACTIVE,
      FROZEN: after.FROZEN - before.FROZEN,
      PROVISIONING: after.PROVISIONING - before.PROVISIONING,
      RELEASED: after.RELEASED - before.RELEASED,
    },
    { ACTIVE: 3, FROZEN: 2, PROVISIONING: 1, RELEASED: 1 },
  );
});

test("buckets the last 24 hours of callbacks by hour and outcome", async () => {
  const db = await getDb();
  const now = new Date("2030-06-01T12:30:00Z");
  await log({ at: new Date("2030-06-01T12:10:00Z") });
  await log({ at: new Date("2030-06-01T12:20:00Z"), verification: "BAD_SIGNATURE", resultCode: "000001" });
  await log({ at: new Date("2030-06-01T12:25:00Z"), verification: "REPLAYED_NONCE", resultCode: "000001" });
  await log({ at: new Date("2030-06-01T11:59:59.999Z"), resultCode: "000005" });
  await log({ at: new Date("2030-06-01T11:00:00Z"), verification: "RETRY" });
  await log({ at: new Date("2030-06-01T11:30:00Z"), activity: "newInstance", resultCode: "000004" });
  await log({ at: new Date("2030-05-31T13:00:00Z") }); // first bucket
  await log({ at: new Date("2030-05-31T12:59:59.999Z") }); // before the window
  await log({ at: new Date("2030-06-01T13:00:00Z") }); // after the current hour

  const { callbacksByHour: hours } = await getDashboard(db, { kind: "all" }, { now });
  assert.equal(hours.length, 24);
  assert.equal(hours[0]?.hourStart, "2030-05-31T13:00:00.000Z");
  assert.equal(hours[23]?.hourStart, "2030-06-01T12:00:00.000Z");
  assert.deepEqual(hours[23], { hourStart: "2030-06-01T12:00:00.000Z", accepted: 1, refused: 2, failed: 0 });
  assert.deepEqual(hours[22], { hourStart: "2030-06-01T11:00:00.000Z", accepted: 1, refused: 0, failed: 2 });
  assert.deepEqual(hours[0], { hourStart: "2030-05-31T13:00:00.000Z", accepted: 1, refused: 0, failed: 0 });
  const total = hours.reduce((n, h) => n + h.accepted + h.refused + h.failed, 0);
  assert.equal(total, 7);
});

test("a summary row of counted refusals adds its count to the refused", async () => {
  const db = await getDb();
  const now = new Date("2031-06-01T12:30:00Z");
  await log({ at: new Date("2031-06-01T12:10:00Z"), verification: "BAD_SIGNATURE", resultCode: "000001" });
  await log({ at: new Date("2031-06-01T12:11:00Z"), verification: "COUNTED", resultCode: "000001", verificationInfo: { count: 412 } });
  const { callbacksByHour: hours } = await getDashboard(db, { kind: "all" }, { now });
  assert.deepEqual(hours[23], { hourStart: "2031-06-01T12:00:00.000Z", accepted: 0, refused: 413, failed: 0 });
});

test("lists orders KooGallery still retries, with the window left, most urgent first", async () => {
  const db = await getDb();
  const now = new Date("2031-01-01T12:00:00Z");
  const at = (hhmm: string) => new Date(`2031-01-01T${hhmm}:00Z`);
  const run = randomUUID().slice(0, 8);
  const order = (n: string) => `CS-${run}-${n}`;

  // A: failing since 10:30 (3 h window): 1.5 h left; its latest log is the 11:30 one.
  await log({ at: at("10:30"), orderId: order("A"), resultCode: "000005" });
  const latestA = await log({ at: at("11:30"), orderId: order("A"), resultCode: "000005", instanceId: "inst-a" });
  // B: failed, then a later callback succeeded: not failing.
  await log({ at: at("10:00"), orderId: order("B"), resultCode: "000005" });
  await log({ at: at("11:00"), orderId: order("B") });
  // C: a renewal failing since 09:30 (2 h window): over.
  await log({ at: at("09:30"), activity: "refreshInstance", orderId: order("C"), resultCode: "000005" });
  await log({ at: at("11:30"), activity: "refreshInstance", orderId: order("C"), resultCode: "000005" });
  // D: an upgrade that succeeded once, then failed at 11:50: the streak starts at 11:50.
  await log({ at: at("08:00"), activity: "upgradeInstance", orderId: order("D") });
  const latestD = await log({ at: at("11:50"), activity: "upgradeInstance", orderId: order("D"), resultCode: "000002" });
  // E: newInstance answered 000004 (provisioning continues): not a failure.
  await log({ at: at("11:00"), orderId: order("E"), resultCode: "000004" });
  // F: first failed at 08:30, before the 3 h look-back, again at 10:00: window over.
  await log({ at: at("08:30"), orderId: order("F"), resultCode: "000005" });
  await log({ at: at("10:00"), orderId: order("F"), resultCode: "000005" });
  // G: a test call; H: not an order activity; I: a V1 upgrade failing since 11:00.
  await log({ at: at("11:00"), orderId: order("G"), resultCode: "000005", isTest: true });
  await log({ at: at("11:00"), activity: "releaseInstance", orderId: order("H"), resultCode: "000005" });
  const latestI = await log({ at: at("11:00"), activity: "upgrade", orderId: order("I"), resultCode: "000005" });

  const { failingOrders } = await getDashboard(db, { kind: "all" }, { now });
  const mine = failingOrders.filter((o) => o.orderId.startsWith(`CS-${run}-`));
  assert.deepEqual(
    mine.map((o) => [o.orderId.slice(-1), o.activity, o.logId, o.timeLeftMs]),
    [
      ["A", "newInstance", latestA, 90 * MIN],
      ["I", "upgrade", latestI, 2 * HOUR],
      ["D", "upgradeInstance", latestD, 2 * HOUR + 50 * MIN],
    ],
  );
  const a = mine[0]!;
  assert.equal(a.resultCode, "000005");
  assert.equal(a.instanceId, "inst-a");
  assert.equal(a.firstAttemptAt, "2031-01-01T10:30:00.000Z");
  assert.equal(a.lastAttemptAt, "2031-01-01T11:30:00.000Z");
  assert.equal(a.windowMs, 3 * HOUR);
  assert.equal(a.afterWindow, "order-refunded");
});

test("lists what waits for a person, with error texts cut short and secrets removed", async () => {
  const db = await getDb();
  const failed = await instance("PROVISIONING", {
    provisionStatus: "FAILED",
    provisionError: `ProvisioningError: backend refused https://user:pw@backend.example/x key ${ACCESS_KEY}`,
  });
  const frozenFailed = await instance("FROZEN", { provisionStatus: "FAILED", provisionError: "ProvisioningError: HTTP 400" });
  await instance("RELEASED", { provisionStatus: "FAILED", provisionError: "released: nothing to do" });
  await instance("PROVISIONING", { provisionStatus: "FAILED", isTest: true });

  const orderInstance = await instance("ACTIVE");
  const orderKey = `CS-fetch-${randomUUID()}/1`;
  await db.order.create({
    data: {
      orderKey,
      orderId: "CS-FETCH-1",
      orderLineId: "CS-FETCH-1-000001",
      instanceId: orderInstance,
      kind: "NEW",
      fetchStatus: "FAILED",
      fetchError: "OpenApiError: 403 forbidden",
    },
  });
  await db.order.create({ data: { orderKey: `${orderKey}-ok`, orderId: "CS-FETCH-2", instanceId: orderInstance, kind: "NEW", fetchStatus: "FETCHED" } });
  await db.job.create({
    data: {
      kind: "fetch-order",
      status: "DEAD",
      payload: { orderKey, orderId: "CS-FETCH-1", orderLineId: "CS-FETCH-1-000001" },
      attempts: 20,
      lastError: "OpenApiError: 403 forbidden",
      finishedAt: new Date(),
    },
  });
  await db.job.create({
    data: {
      kind: "provision-instance",
      status: "DEAD",
      payload: { instanceId: failed },
      attempts: 20,
      lastError: `Error: ${"x".repeat(400)}`,
      finishedAt: new Date(),
    },
  });
  await db.job.create({ data: { kind: "provision-instance", status: "PENDING", payload: { instanceId: failed } } });

  const { awaiting } = await getDashboard(db, { kind: "all" }, { secrets: secretValuesOf(getEnv()) });
  // Frozen or released instances wait for the customer, not for us.
  assert.equal(awaiting.failedProvisioning.count, 1);
  assert.deepEqual(
    awaiting.failedProvisioning.items.map((i) => i.instanceId),
    [failed],
  );
  assert.ok(frozenFailed);
  const text = awaiting.failedProvisioning.items.find((i) => i.instanceId === failed)?.error ?? "";
  assert.ok(!text.includes(ACCESS_KEY) && !text.includes("user:pw"), text);
  assert.match(text, /https:\/\/\*\*\*@backend\.example/);

  assert.equal(awaiting.deadJobs.count, 2);
  const fetchJob = awaiting.deadJobs.items.find((j) => j.kind === "fetch-order");
  assert.equal(fetchJob?.instanceId, orderInstance);
  assert.equal(fetchJob?.orderId, "CS-FETCH-1");
  const provisionJob = awaiting.deadJobs.items.find((j) => j.kind === "provision-instance");
  assert.equal(provisionJob?.instanceId, failed);
  assert.ok((provisionJob?.error?.length ?? 0) <= 300);

  assert.equal(awaiting.failedOrderFetches.count, 1);
  assert.deepEqual(
    awaiting.failedOrderFetches.items.map((o) => [o.orderId, o.instanceId, o.error]),
    [["CS-FETCH-1", orderInstance, "OpenApiError: 403 forbidden"]],
  );
});

test("a tenant admin sees only their enterprise's instances, calls and orders, without error texts", async () => {
  const db = await getDb();
  const now = new Date("2032-03-01T12:00:00Z");
  const tenantId = `tenant-${randomUUID()}`;
  const own = await instance("ACTIVE");
  const ownFailed = await instance("PROVISIONING", { provisionStatus: "FAILED", provisionError: "ProvisioningError: HTTP 400" });
  const other = await instance("FROZEN");
  const tenantRow = await db.tenant.create({
    data: { tenantId, instanceKey: own, tenantCode: "acme", name: "Acme", domainName: "https://idp.example", instances: { create: { instanceId: own } } },
    select: { id: true },
  });
  await db.tenant.create({
    data: {
      tenantId,
      instanceKey: ownFailed,
      tenantCode: "acme",
      name: "Acme",
      domainName: "https://idp.example",
      deletedAt: new Date(),
      instances: { create: { instanceId: ownFailed } },
    },
  });
  await db.tenant.create({
    data: {
      tenantId: `other-${randomUUID()}`,
      instanceKey: other,
      tenantCode: "other",
      name: "Other",
      domainName: "https://idp.example",
      instances: { create: { instanceId: other } },
    },
  });

  await log({ at: new Date("2032-03-01T11:10:00Z"), instanceId: own, orderId: "CS-OWN", resultCode: "000005" });
  await log({ at: new Date("2032-03-01T11:20:00Z"), activity: "tenantSync", tenantId });
  await log({ at: new Date("2032-03-01T11:30:00Z"), instanceId: other, orderId: "CS-OTHER", resultCode: "000005" });
  await log({ at: new Date("2032-03-01T11:40:00Z"), verification: "BAD_SIGNATURE", resultCode: "000001" });

  const viewer: PortalViewer = { kind: "buyer", tenantId, userName: "alice", name: "Alice", role: "admin", orgCode: "", tenantRowIds: [tenantRow.id] };
  const scope = await dashboardScopeOf(db, viewer);
  assert.deepEqual(scope, { kind: "tenant", tenantId, instanceIds: [own], tenantRowIds: [tenantRow.id] });
  const mine = await getDashboard(db, scope, { now });
  assert.equal(mine.scope, "tenant");
  assert.equal(mine.tenantRowId, tenantRow.id);
  assert.deepEqual(mine.instancesByState, { PROVISIONING: 0, ACTIVE: 1, FROZEN: 0, RELEASED: 0 });
  assert.deepEqual(mine.callbacksByHour[22], { hourStart: "2032-03-01T11:00:00.000Z", accepted: 1, refused: 0, failed: 1 });
  assert.deepEqual(
    mine.failingOrders.map((o) => o.orderId),
    ["CS-OWN"],
  );
  assert.equal(mine.awaiting.failedProvisioning.count, 0, "the deleted tenant row no longer binds its instance");
  assert.equal(mine.awaiting.deadJobs.count, 0);

  // Bound again: the failed instance shows, without the merchant's error text.
  await db.tenant.updateMany({ where: { tenantId, instanceKey: ownFailed }, data: { deletedAt: null } });
  const rebound = await getDashboard(db, await dashboardScopeOf(db, viewer), { now });
  assert.equal(rebound.tenantRowId, null, "several tenant rows: the page links to the tenants list");
  assert.deepEqual(
    rebound.awaiting.failedProvisioning.items.map((i) => [i.instanceId, i.error]),
    [[ownFailed, null]],
  );

  const staff = await getDashboard(db, await dashboardScopeOf(db, STAFF), { now });
  assert.deepEqual(new Set(staff.failingOrders.map((o) => o.orderId)), new Set(["CS-OWN", "CS-OTHER"]));
  assert.deepEqual(staff.callbacksByHour[22], { hourStart: "2032-03-01T11:00:00.000Z", accepted: 1, refused: 1, failed: 2 });
});

test("a tenant admin bound to no instance gets zeros, not everything", async () => {
  const db = await getDb();
  const viewer: PortalViewer = {
    kind: "buyer",
    tenantId: `lonely-${randomUUID()}`,
    userName: "bob",
    name: "Bob",
    role: "admin",
    orgCode: "",
    tenantRowIds: [],
  };
  const d = await getDashboard(db, await dashboardScopeOf(db, viewer), { now: new Date("2032-03-01T12:00:00Z") });
  assert.deepEqual(d.instancesByState, { PROVISIONING: 0, ACTIVE: 0, FROZEN: 0, RELEASED: 0 });
  assert.equal(
    d.callbacksByHour.reduce((n, h) => n + h.accepted + h.refused + h.failed, 0),
    0,
  );
  assert.deepEqual(d.failingOrders, []);
  assert.equal(d.awaiting.failedProvisioning.count + d.awaiting.deadJobs.count + d.awaiting.failedOrderFetches.count, 0);
});

test("settings: addresses per SSO method, key names without values, job health over bounded reads", async () => {
  const { configuredKeys, getSettings, settingsUrls } = await import("@/lib/portal/settings");
  const oauth = settingsUrls({ publicUrl: "https://portal.example.com", auth: { ssoMethod: "oauth" } });
  assert.deepEqual(Object.fromEntries(oauth.urls.map((u) => [u.id, u.url])), {
    "production-domain": "https://portal.example.com",
    production: "https://portal.example.com/api/koogallery/saas",
    "kit-base": "https://portal.example.com/api/koogallery/saas",
    login: "https://portal.example.com/api/auth/callback/koogallery",
    jwks: "https://portal.example.com/.well-known/jwks.json",
  });
  assert.deepEqual(oauth.warnings, []);
  assert.ok(oauth.kitSubPaths.v2.includes("/produceAPI/v2/tenantSync") && oauth.kitSubPaths.v1.includes("/produceAPI/allOrgSync"));
  const cas = settingsUrls({ publicUrl: "http://localhost:3000", auth: { ssoMethod: "cas" } });
  assert.equal(cas.urls.find((u) => u.id === "login")?.url, "http://localhost:3000/api/sso/cas");
  assert.equal(cas.warnings.length, 1);

  const keys = configuredKeys({ accessKey: true, kitAccessKey: false, licenseCodeAccessKey: false, aksk: true, encryptionKey: true, rsaPrivateKey: false });
  assert.deepEqual(
    keys.filter((k) => k.isConfigured).map((k) => k.id),
    ["accessKey", "aksk", "encryptionKey"],
  );

  const db = await getDb();
  const now = new Date();
  await db.job.create({ data: { kind: "fetch-order", status: "DONE", payload: {}, runAt: new Date(now.getTime() - 2 * HOUR) } });
  await db.job.create({ data: { kind: "fetch-order", status: "DONE", payload: {}, runAt: new Date(now.getTime() - 30 * HOUR) } });
  await db.job.create({ data: { kind: "provision-instance", status: "DEAD", payload: {}, lastError: `Error: key ${ACCESS_KEY} refused`, finishedAt: now } });
  const env = getEnv();
  const settings = await getSettings(db, env, { isRunning: false, lastError: `poll failed with ${ACCESS_KEY}` }, now);
  const json = JSON.stringify(settings);
  assert.ok(!json.includes(ACCESS_KEY), "no key value anywhere");
  assert.ok(!json.includes(env.encryptionKey.toString("base64")));
  assert.equal(settings.jobs.worker.lastError, "poll failed with ***");
  assert.equal(settings.jobs.counts.find((c) => c.status === "DONE" && c.kind === "fetch-order")?.count, 1, "DONE counts cover 24 hours");
  assert.ok(settings.jobs.recentDead.some((j) => j.error === "Error: key *** refused"));
  const pending = await db.job.findMany({ where: { status: "PENDING" }, orderBy: { createdAt: "asc" }, take: 1 });
  assert.equal(settings.jobs.oldestPending?.id, pending[0]?.id);
});
