// The order of the Kit syncs (ADR 0006, "Ordering and re-applying"), in-process
// on a real database (embedded PGlite; a throw-away PostgreSQL database with
// TEST_DB=postgres): a sync made before the last one applied for the same
// thing arrives late and is answered 000000 with a note, changing nothing;
// equal times apply again; different subjects (users, departments) do not
// hold each other back; a delete's watermark outlives the tenant row.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const KIT_KEY = "ordering-kit-key";
await prepareInProcessDatabase("kg-ordering", { KOOGALLERY_ACCESS_KEY: "ordering-basic-key", KOOGALLERY_KIT_ACCESS_KEY: KIT_KEY }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { sendKitCall } = await import("@/testing/support/send-kit-call");
const { kitSyncTimeOf } = await import("@/lib/tenants/sync-watermark");
const { formatV1Timestamp } = await import("@/lib/koogallery/v1-auth-token");
type KitName = import("@/lib/koogallery/schemas").KitName;

/** UTC+8 yyyyMMddHHmmssSSS times a minute apart, in the order KooGallery made them. */
const T1 = "20261201100000000";
const T2 = "20261201100100000";
const T3 = "20261201100200000";

type Sent = { resultCode: string; note: string | null; logId: string };

async function kit(kitName: KitName, body: Record<string, unknown>, generation: "V1" | "V2" = "V2"): Promise<Sent> {
  const answer = await sendKitCall({ kitName, accessKey: KIT_KEY, body, generation });
  const db = await getDb();
  const log = await db.callbackLog.findFirstOrThrow({
    where: { endpoint: `kit/${kitName}` },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    select: { id: true, handlerNote: true },
  });
  return { resultCode: answer.resultCode, note: log.handlerNote, logId: log.id };
}

const newTenant = () => ({ tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` });
const user = (userName: string, role: "user" | "admin", orgCode = "D1") => ({ userName, name: `Name ${userName}`, orgCode, role, enable: "true" });

async function grants(t: { tenantId: string }) {
  const db = await getDb();
  const rows = await db.tenantUser.findMany({
    where: { tenant: { tenantId: t.tenantId } },
    orderBy: { userName: "asc" },
    select: { userName: true, role: true, status: true },
  });
  return Object.fromEntries(rows.map((r) => [r.userName, `${r.role}/${r.status}`]));
}

test("the sync time is read as UTC+8, 14 digits as whole seconds, else the call's signed time", () => {
  const sentAt = new Date("2026-12-01T00:00:00Z");
  assert.equal(kitSyncTimeOf({ sentAt }, "20261201100000123")?.toISOString(), "2026-12-01T02:00:00.123Z");
  assert.equal(kitSyncTimeOf({ sentAt }, "20261201100000")?.toISOString(), "2026-12-01T02:00:00.000Z");
  assert.equal(kitSyncTimeOf({ sentAt }, "20261301100000000"), sentAt, "an impossible date falls back");
  assert.equal(kitSyncTimeOf({}, undefined), undefined);
});

test("authSync out of order for one user: the newer grant stays, the older call is skipped with a note", async () => {
  const t = newTenant();
  const newer = await kit("authSync", { ...t, appId: "app-1", userList: [user("ann", "admin")], currentSyncTime: T2, timeStamp: T2, flag: 1 });
  assert.equal(newer.resultCode, "000000");
  const older = await kit("authSync", { ...t, appId: "app-1", userList: [user("ann", "user")], currentSyncTime: T1, timeStamp: T3, flag: 2 });
  assert.equal(older.resultCode, "000000", "KooGallery has nothing to fix: success");
  assert.match(older.note ?? "", /skipped: older than the last applied authSync/);
  assert.deepEqual(await grants(t), { ann: "admin/ACTIVE" }, "currentSyncTime orders authSync, not timeStamp");
  const db = await getDb();
  assert.equal(await db.syncEvent.count({ where: { callbackLogId: older.logId } }), 0, "nothing recorded as applied");

  // A revoke made before the grant is skipped too; one made at the same time applies (a re-send).
  assert.match(
    (await kit("authSync", { ...t, appId: "app-1", userList: [user("ann", "admin")], currentSyncTime: T1, timeStamp: T1, flag: 3 })).note ?? "",
    /skipped/,
  );
  assert.deepEqual(await grants(t), { ann: "admin/ACTIVE" });
  const again = await kit("authSync", { ...t, appId: "app-1", userList: [user("ann", "admin")], currentSyncTime: T2, timeStamp: T2, flag: 1 });
  assert.doesNotMatch(again.note ?? "", /skipped/);
  assert.match(again.note ?? "", /1 unchanged/);

  // Other users in the same call still apply: the order is per user (and per app).
  const mixed = await kit("authSync", {
    ...t,
    appId: "app-1",
    userList: [user("ann", "user"), user("bob", "user")],
    currentSyncTime: T1,
    timeStamp: T1,
    flag: 1,
  });
  assert.match(mixed.note ?? "", /1 added.*1 skipped: older than the last applied authSync/);
  assert.deepEqual(await grants(t), { ann: "admin/ACTIVE", bob: "user/ACTIVE" });
  const otherApp = await kit("authSync", { ...t, appId: "app-2", userList: [user("ann", "user")], currentSyncTime: T1, timeStamp: T1, flag: 1 });
  assert.doesNotMatch(otherApp.note ?? "", /skipped/);
});

test("two departments' changes with crossing times both apply; an older change of one department is skipped", async () => {
  const t = newTenant();
  assert.equal((await kit("singleOrgSync", { ...t, orgCode: "A", orgName: "A at T2", parentCode: "", flag: 1, timeStamp: T2 })).resultCode, "000000");
  const b = await kit("singleOrgSync", { ...t, orgCode: "B", orgName: "B at T1", parentCode: "", flag: 1, timeStamp: T1 });
  assert.equal(b.resultCode, "000000");
  assert.doesNotMatch(b.note ?? "", /skipped/, "B's change is independent of A's newer one");
  const older = await kit("singleOrgSync", { ...t, orgCode: "A", orgName: "A at T1", parentCode: "", flag: 2, timeStamp: T1 });
  assert.equal(older.resultCode, "000000");
  assert.match(older.note ?? "", /skipped: older than the last applied singleOrgSync for department "A"/);
  const db = await getDb();
  const names = async () =>
    Object.fromEntries(
      (await db.department.findMany({ where: { tenant: { tenantId: t.tenantId } }, select: { orgCode: true, orgName: true } })).map((d) => [
        d.orgCode,
        d.orgName,
      ]),
    );
  assert.deepEqual(await names(), { A: "A at T2", B: "B at T1" });

  // A full list made at T3 holds every department as it was then: a single change made before it is skipped.
  assert.equal((await kit("allOrgSync", { ...t, orgInfoList: [{ orgCode: "A", orgName: "A at T3", parentCode: "" }], timeStamp: T3 })).resultCode, "000000");
  const beforeFull = await kit("singleOrgSync", { ...t, orgCode: "B", orgName: "B at T2", parentCode: "", flag: 1, timeStamp: T2 });
  assert.match(beforeFull.note ?? "", /skipped: older than the last applied allOrgSync/);
  const olderFull = await kit("allOrgSync", { ...t, orgInfoList: [], timeStamp: T2 });
  assert.match(olderFull.note ?? "", /skipped: older than the last applied allOrgSync/);
  assert.deepEqual(await names(), { A: "A at T3" });
});

test("an older tenantSync after a newer delete is skipped, also when the tenant was never known", async () => {
  const db = await getDb();
  const t = newTenant();
  const tenant = (name: string, flag: 0 | 1 | 2, timeStamp: string) => ({
    ...t,
    orderId: "CS1",
    tenantCode: "acme",
    name,
    domainName: "https://acme.example",
    flag,
    timeStamp,
  });
  assert.equal((await kit("tenantSync", tenant("Acme", 1, T1))).resultCode, "000000");
  assert.equal((await kit("tenantSync", tenant("Acme", 0, T3))).resultCode, "000000");
  const late = await kit("tenantSync", tenant("Acme renamed", 1, T2));
  assert.equal(late.resultCode, "000000");
  assert.match(late.note ?? "", /skipped: older than the last applied tenantSync for this tenant/);
  const row = await db.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId: t.tenantId, instanceKey: t.instanceId } } });
  assert.ok(row.deletedAt, "still deleted");
  assert.equal(row.name, "Acme");

  // The delete of a tenant we never had stores no tenant, but its time stays.
  // (V1 Kit calls are signed with their timeStamp, which must be near now.)
  const utc8 = (offsetMs: number) => formatV1Timestamp(new Date(Date.now() + offsetMs), 480);
  const u = newTenant();
  assert.equal(
    (await kit("tenantSync", { ...u, orderId: "CS2", tenantCode: "u", name: "U", domainName: "https://u.example", flag: 0, timeStamp: utc8(60_000) }))
      .resultCode,
    "000000",
  );
  assert.equal(await db.tenant.count({ where: { tenantId: u.tenantId } }), 0);
  const add = await kit("tenantSync", { ...u, orderId: "CS2", tenantCode: "u", name: "U", domainName: "https://u.example", flag: 1, timeStamp: utc8(0) }, "V1");
  assert.match(add.note ?? "", /skipped/, "V1 Kit calls too");
  assert.equal(await db.tenant.count({ where: { tenantId: u.tenantId } }), 0, "the older add did not bring it back");
  // A newer add does.
  assert.equal(
    (await kit("tenantSync", { ...u, orderId: "CS2", tenantCode: "u", name: "U", domainName: "https://u.example", flag: 1, timeStamp: utc8(120_000) }))
      .resultCode,
    "000000",
  );
  assert.equal(await db.tenant.count({ where: { tenantId: u.tenantId, deletedAt: null } }), 1);
});

test("concurrent syncs of one user cannot move the watermark back", async () => {
  const t = newTenant();
  const times = ["20261201100000000", "20261201100005000", "20261201100003000", "20261201100001000", "20261201100004000"];
  await Promise.all(
    times.map((time, i) =>
      kit("authSync", { ...t, appId: "app-1", userList: [user("cat", i % 2 === 0 ? "admin" : "user")], currentSyncTime: time, timeStamp: time, flag: 1 }),
    ),
  );
  const db = await getDb();
  const mark = await db.syncWatermark.findMany({ where: { tenantId: t.tenantId } });
  assert.equal(mark.length, 1);
  assert.equal(mark[0]!.syncedAt.toISOString(), "2026-12-01T02:00:05.000Z", "the newest time, whatever order they committed in");
  assert.deepEqual(await grants(t), { cat: "user/ACTIVE" }, "the newest call's grant (index 1: user)");
});
