// The migration that moves the Tenant↔Instance binding into TenantInstance
// (ADR 0008), run on a database that already holds tenants: the schema before
// it, rows as the Kit syncs wrote them, then the migration.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-tenant-binding", { KOOGALLERY_ACCESS_KEY: "tenant-binding-key" });

const { closeDb, getDb, getRawSql } = await import("@/lib/db");
const { applyMigrations, readMigrations } = await import("@/lib/migrations");
const { instanceScope } = await import("@/lib/access/instance-scope");
const { listBoundInstanceIds } = await import("@/lib/access/tenant-binding");

const MIGRATION = "20261207030000_tenant_instance_binding";

after(async () => {
  await closeDb();
  await database.drop();
});

test("existing Tenant rows are bound to their instances; credential-debugging rows are not", async () => {
  const raw = await getRawSql();
  const all = readMigrations();
  const at = all.findIndex((m) => m.name === MIGRATION);
  assert.ok(at > 0, "the migration exists");
  await applyMigrations(raw, all.slice(0, at));

  const tenant = (id: string, tenantId: string, instanceKey: string, deleted: boolean) =>
    raw.query(
      `INSERT INTO "Tenant" (id, "tenantId", "instanceKey", "tenantCode", name, "domainName", "isTest", "deletedAt", "createdAt", "updatedAt")
       VALUES ($1, $2, $3, 'code', 'Name', 'https://idp.example', $4, $5::timestamp(3), '2026-01-02 03:04:05.678', '2026-01-02 03:04:05.678')`,
      [id, tenantId, instanceKey, instanceKey === "", deleted ? "2026-02-01 00:00:00" : null],
    );
  await raw.query(
    `INSERT INTO "Instance" (id, "orderKey", generation, "orderId", "provisionAdapter", "updatedAt")
     VALUES ('inst-1', 'o1', 'V2', 'o1', 'mock', '2026-01-01 00:00:00')`,
  );
  await tenant("row-a1", "ten-a", "inst-1", false);
  await tenant("row-a2", "ten-a", "inst-not-yet-created", false);
  await tenant("row-a3", "ten-a", "inst-gone", true);
  await tenant("row-a0", "ten-a", "", false);
  await tenant("row-b1", "ten-b", "inst-1", false);

  assert.deepEqual(
    await applyMigrations(raw, all.slice(at)),
    all.slice(at).map((m) => m.name),
  );

  const rows = await raw.query<{ tenantRowId: string; instanceId: string; createdAt: string }>(
    `SELECT "tenantRowId", "instanceId", to_char("createdAt", 'YYYY-MM-DD HH24:MI:SS.MS') AS "createdAt" FROM "TenantInstance" ORDER BY "tenantRowId"`,
  );
  assert.deepEqual(rows, [
    { tenantRowId: "row-a1", instanceId: "inst-1", createdAt: "2026-01-02 03:04:05.678" },
    { tenantRowId: "row-a2", instanceId: "inst-not-yet-created", createdAt: "2026-01-02 03:04:05.678" },
    { tenantRowId: "row-a3", instanceId: "inst-gone", createdAt: "2026-01-02 03:04:05.678" },
    { tenantRowId: "row-b1", instanceId: "inst-1", createdAt: "2026-01-02 03:04:05.678" },
  ]);

  // Read through lib/access: the rules of before the move.
  const db = await getDb();
  assert.deepEqual((await listBoundInstanceIds(db, "ten-a")).sort(), ["inst-1", "inst-not-yet-created"]);
  assert.deepEqual((await listBoundInstanceIds(db, "ten-a", { includeDeletedTenants: true })).sort(), ["inst-1", "inst-gone", "inst-not-yet-created"]);
  const admin = { kind: "buyer" as const, tenantId: "ten-a", userName: "ann", name: "Ann", role: "admin" as const, orgCode: "1", tenantRowIds: [] };
  const visible = await db.instance.findMany({ where: await instanceScope(admin, db), select: { id: true } });
  assert.deepEqual(visible, [{ id: "inst-1" }]);

  // Deleting a Tenant row (never done by the syncs, which mark rows deleted) takes its binding with it.
  await db.tenant.delete({ where: { id: "row-b1" } });
  assert.equal(await db.tenantInstance.count({ where: { tenantRowId: "row-b1" } }), 0);
});
