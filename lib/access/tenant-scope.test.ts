// lib/access on a real database (embedded PGlite; a throw-away PostgreSQL
// database with TEST_DB=postgres): the binding the Kit syncs write, an
// instance that arrives after its tenant, deleted and credential-debugging
// rows, and the raw SQL condition agreeing with the Prisma one.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-access", { KOOGALLERY_ACCESS_KEY: "access-basic-key" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { instanceScope, instanceScopeSql, instancesOfTenantFilter } = await import("@/lib/access/instance-scope");
const { callbackLogScope } = await import("@/lib/access/callback-log-scope");
const { tenantsBoundTo } = await import("@/lib/access/tenant-binding");
const { tenantRowScope, tenantScope, tenantUserScope } = await import("@/lib/access/tenant-scope");
const { createTenantRow, ensureTenantRow } = await import("@/lib/tenants/ensure-tenant");
const { runSql, sql } = await import("@/lib/sql/insert-sql");
type BuyerViewer = import("@/lib/auth/viewer").BuyerViewer;
type StaffViewer = import("@/lib/auth/viewer").StaffViewer;

const admin = (tenantId: string): BuyerViewer => ({ kind: "buyer", tenantId, userName: "ann", name: "Ann", role: "admin", orgCode: "1", tenantRowIds: [] });
const staff: StaffViewer = { kind: "staff", staffId: "s", email: "s@example.com", name: "S", role: "VIEWER" };

async function createInstance(id: string): Promise<void> {
  const db = await getDb();
  await db.instance.create({ data: { id, orderKey: `order-${id}`, generation: "V2", orderId: `order-${id}`, provisionAdapter: "mock" } });
}

async function syncTenantRow(tenantId: string, instanceKey: string): Promise<string> {
  const db = await getDb();
  return db.$transaction(
    async (tx) => (await createTenantRow(tx, tenantId, instanceKey, { tenantCode: "c", name: "N", domainName: "https://idp.example", isTest: false })).id,
  );
}

async function scopedIds(viewer: BuyerViewer | StaffViewer, ids: string[]): Promise<{ prisma: string[]; raw: string[] }> {
  const db = await getDb();
  const prisma = await db.instance.findMany({ where: { AND: [{ id: { in: ids } }, await instanceScope(viewer, db)] }, select: { id: true } });
  const raw = await runSql<{ id: string }>(
    { tx: db },
    sql`SELECT i.id FROM "Instance" i WHERE i.id = ANY(${ids}::text[]) AND ${instanceScopeSql(viewer, "i.id")}`,
  );
  return { prisma: prisma.map((r) => r.id).sort(), raw: raw.map((r) => r.id).sort() };
}

test("a tenant synced before its instance exists sees the instance once newInstance creates it", async () => {
  const tenantId = `t-${randomUUID()}`;
  const early = `inst-${randomUUID()}`;
  const rowId = await syncTenantRow(tenantId, early);
  const db = await getDb();
  assert.deepEqual(await db.tenantInstance.findMany({ where: { tenantRowId: rowId }, select: { instanceId: true } }), [{ instanceId: early }]);
  assert.deepEqual(await scopedIds(admin(tenantId), [early]), { prisma: [], raw: [] });
  // The instance arrives: nothing is written to the binding, the join finds it.
  await createInstance(early);
  assert.deepEqual(await scopedIds(admin(tenantId), [early]), { prisma: [early], raw: [early] });
  assert.deepEqual(await scopedIds(admin(`t-${randomUUID()}`), [early]), { prisma: [], raw: [] }, "another enterprise does not");
  assert.deepEqual(await scopedIds(staff, [early]), { prisma: [early], raw: [early] });
  assert.deepEqual(await db.tenant.findMany({ where: tenantsBoundTo(early), select: { id: true } }), [{ id: rowId }]);
});

test("credential-debugging rows bind nothing; a deleted row unbinds for the admin, not for the staff's tenant filter", async () => {
  const tenantId = `t-${randomUUID()}`;
  const [live, gone] = [`inst-${randomUUID()}`, `inst-${randomUUID()}`];
  await createInstance(live);
  await createInstance(gone);
  await syncTenantRow(tenantId, live);
  const goneRow = await syncTenantRow(tenantId, gone);
  const db = await getDb();
  const debugRow = await db.$transaction((tx) => ensureTenantRow(tx, tenantId, "", true));
  assert.equal(await db.tenantInstance.count({ where: { tenantRowId: debugRow.id } }), 0);
  await db.tenant.update({ where: { id: goneRow }, data: { deletedAt: new Date() } });

  assert.deepEqual(await scopedIds(admin(tenantId), [live, gone]), { prisma: [live], raw: [live] });
  const filter = await instancesOfTenantFilter(db, tenantId);
  assert.deepEqual(((filter?.id as { in: string[] }).in ?? []).sort(), [live, gone].sort());
  assert.equal(await instancesOfTenantFilter(db, `t-${randomUUID()}`), null, "a tenant bound to nothing matches nothing");
});

test("tenants, grants and callback logs of another enterprise stay out", async () => {
  const [mine, theirs] = [`t-${randomUUID()}`, `t-${randomUUID()}`];
  const [myInstance, theirInstance] = [`inst-${randomUUID()}`, `inst-${randomUUID()}`];
  await createInstance(myInstance);
  await createInstance(theirInstance);
  const myRow = await syncTenantRow(mine, myInstance);
  const theirRow = await syncTenantRow(theirs, theirInstance);
  const db = await getDb();
  assert.equal(await db.tenant.count({ where: tenantRowScope(admin(mine), theirRow) }), 0);
  assert.equal(await db.tenant.count({ where: tenantRowScope(admin(mine), myRow) }), 1);
  assert.equal(await db.tenant.count({ where: { AND: [{ id: { in: [myRow, theirRow] } }, tenantScope(staff)] } }), 2);
  const grant = { appId: "a", name: "U", orgCode: "1", role: "user", isEnabled: true };
  await db.tenantUser.createMany({
    data: [
      { ...grant, tenantRowId: myRow, userName: "u1" },
      { ...grant, tenantRowId: theirRow, userName: "u2" },
    ],
  });
  const users = await db.tenantUser.findMany({
    where: { AND: [{ tenantRowId: { in: [myRow, theirRow] } }, tenantUserScope(admin(mine))] },
    select: { userName: true },
  });
  assert.deepEqual(users, [{ userName: "u1" }]);

  const log = { endpoint: "saas", generation: "V2" as const, method: "POST", verification: "OK", resultCode: "000000", latencyMs: 1, requestMasked: {} };
  await db.callbackLog.createMany({
    data: [
      { ...log, instanceId: myInstance, activity: "mine-by-instance" },
      { ...log, tenantId: mine, activity: "mine-by-tenant" },
      { ...log, instanceId: theirInstance, tenantId: theirs, activity: "theirs" },
    ],
  });
  const scope = await callbackLogScope(db, admin(mine));
  const logs = await db.callbackLog.findMany({ where: { AND: [{ activity: { in: ["mine-by-instance", "mine-by-tenant", "theirs"] } }, scope] } });
  assert.deepEqual(logs.map((l) => l.activity).sort(), ["mine-by-instance", "mine-by-tenant"]);
  assert.deepEqual(await callbackLogScope(db, staff), {});
});
