// The Kit verbs and the tenant reads in-process on a real database (embedded
// PGlite; a throw-away PostgreSQL database with TEST_DB=postgres): the portal's
// reads never show a client secret, page by keyset without gaps or repeats,
// stay inside their tenant; a stored Kit call can be re-run.
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase(
  "kg-tenants",
  { KOOGALLERY_ACCESS_KEY: "tenants-basic-key", KOOGALLERY_KIT_ACCESS_KEY: "tenants-kit-key" },
  { migrate: true },
);
const { dataDir } = database;
const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 3072,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
writeFileSync(path.join(dataDir, "rsa.pem"), privateKey);
process.env.KOOGALLERY_RSA_PRIVATE_KEY_FILE = path.join(dataDir, "rsa.pem");

const { getDb } = await import("@/lib/db");
const { sendKitCall } = await import("@/testing/support/send-kit-call");
const { retryCallback } = await import("@/lib/callbacks/retry-callback");
const { encryptClientSecret } = await import("@/lib/koogallery/rsa-oaep");
const { getTenant } = await import("@/lib/tenants/get-tenant");
const { listTenantUsers } = await import("@/lib/tenants/list-tenant-users");
const { listSyncEvents } = await import("@/lib/tenants/list-sync-events");
const { PortalError } = await import("@/lib/errors");
type KitName = import("@/lib/koogallery/schemas").KitName;

const TIME_STAMP = "20260101120000000";

async function kit(kitName: KitName, body: Record<string, unknown>, generation: "V1" | "V2" = "V2"): Promise<string> {
  const timeStamp = generation === "V2" ? { timeStamp: TIME_STAMP } : {};
  return (await sendKitCall({ kitName, accessKey: "tenants-kit-key", body: { ...timeStamp, ...body }, generation })).resultCode;
}

const user = (userName: string, extra: Record<string, unknown> = {}) => ({
  userName,
  name: `Name ${userName}`,
  orgCode: "D1",
  role: "user",
  enable: "true",
  ...extra,
});

async function rowIdOf(tenantId: string, instanceKey: string): Promise<string> {
  const db = await getDb();
  return (await db.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId, instanceKey } } })).id;
}

test("getTenant shows apps without their secret, and counts grants and departments", async () => {
  const t = { tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` };
  assert.equal(await kit("tenantSync", { ...t, orderId: "CS1", tenantCode: "acme", name: "Acme", domainName: "https://acme.example", flag: 1 }), "000000");
  const clientSecret = encryptClientSecret("s3cr3t-value", publicKey, "sha1-mgf1sha1");
  assert.equal(await kit("applicationSync", { ...t, appId: "app-1", clientId: "client-1", clientSecret, flag: 1 }), "000000");
  assert.equal(await kit("singleOrgSync", { ...t, orgCode: "D1", orgName: "Dept 1", parentCode: "", flag: 1 }), "000000");
  const users = [user("u1"), user("u2", { orgCode: "GONE" }), user("u3", { role: "admin", mobile: "13800000000", employeeType: 2 }), user("u4")];
  assert.equal(await kit("authSync", { ...t, appId: "app-1", userList: users, currentSyncTime: TIME_STAMP, flag: 1 }), "000000");
  assert.equal(await kit("authSync", { ...t, appId: "app-1", userList: [user("u4")], currentSyncTime: TIME_STAMP, flag: 3 }), "000000");

  const db = await getDb();
  const detail = await getTenant(db, await rowIdOf(t.tenantId, t.instanceId));
  assert.ok(detail);
  assert.equal(detail.name, "Acme");
  assert.deepEqual(
    detail.apps.map((a) => ({ appId: a.appId, hasClientSecret: a.hasClientSecret, oaepVariant: a.oaepVariant })),
    [{ appId: "app-1", hasClientSecret: true, oaepVariant: "sha1-mgf1sha1" }],
  );
  assert.ok(!JSON.stringify(detail).includes("clientSecret"), "no secret field at all");
  assert.deepEqual(detail.counts, { users: { ACTIVE: 3, REVOKED: 1, DELETED: 0 }, orphanedUsers: 1, departments: 1 });
  assert.equal(await getTenant(db, randomUUID()), null);
});

test("listTenantUsers pages by (userName, id) without gaps, filters, and stays in its tenant", async () => {
  const a = { tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` };
  const b = { tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` };
  const names = Array.from({ length: 7 }, (_, i) => `user${i}`);
  // The same userName under two apps: the id breaks the tie.
  const list = names.map((n, i) => user(n, { role: i % 3 === 0 ? "admin" : "user", enable: i % 2 === 0 ? "true" : "false", employeeCode: `E-${i}` }));
  assert.equal(await kit("authSync", { ...a, appId: "app-1", userList: list, currentSyncTime: TIME_STAMP, flag: 1 }), "000000");
  assert.equal(await kit("authSync", { ...a, appId: "app-2", userList: [user("user3")], currentSyncTime: TIME_STAMP, flag: 1 }), "000000");
  assert.equal(await kit("authSync", { ...a, appId: "app-1", userList: [user("user5")], currentSyncTime: TIME_STAMP, flag: 0 }), "000000");
  assert.equal(await kit("authSync", { ...b, appId: "app-1", userList: [user("intruder"), user("user1")], currentSyncTime: TIME_STAMP, flag: 1 }), "000000");

  const db = await getDb();
  const id = await rowIdOf(a.tenantId, a.instanceId);
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10; pages++) {
    const page = await listTenantUsers(db, id, { limit: 3, cursor });
    seen.push(...page.items.map((u) => `${u.userName}/${u.appId}`));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  assert.equal(seen.length, 8);
  assert.equal(new Set(seen).size, 8, "no repeats");
  assert.deepEqual(
    seen.map((s) => s.split("/")[0]),
    [...names.slice(0, 4), "user3", ...names.slice(4)].sort(),
  );
  assert.ok(!seen.some((s) => s.startsWith("intruder")));

  const only = async (filter: Parameters<typeof listTenantUsers>[2]) => (await listTenantUsers(db, id, filter)).items.map((u) => `${u.userName}/${u.appId}`);
  assert.deepEqual(await only({ limit: 50, q: "E-2" }), ["user2/app-1"]);
  assert.deepEqual(await only({ limit: 50, q: "NAME USER6" }), ["user6/app-1"]);
  assert.deepEqual(await only({ limit: 50, role: "admin", status: "ACTIVE" }), ["user0/app-1", "user3/app-1", "user6/app-1"]);
  assert.deepEqual(await only({ limit: 50, status: "DELETED" }), ["user5/app-1"]);
  assert.deepEqual(await only({ limit: 50, isEnabled: false, status: "ACTIVE" }), ["user1/app-1", "user3/app-1"]);
  await assert.rejects(listTenantUsers(db, id, { limit: 5, cursor: "garbage" }), (e: unknown) => e instanceof PortalError && e.code === "bad_request");
});

test("listSyncEvents pages newest first and links each event to its callback", async () => {
  const t = { tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` };
  for (let i = 0; i < 5; i++) {
    assert.equal(await kit("singleOrgSync", { ...t, orgCode: `D${i}`, orgName: `Dept ${i}`, parentCode: "", flag: 1 }), "000000");
  }
  const db = await getDb();
  const id = await rowIdOf(t.tenantId, t.instanceId);
  const first = await listSyncEvents(db, id, { limit: 3 });
  assert.equal(first.items.length, 3);
  assert.ok(first.nextCursor);
  const second = await listSyncEvents(db, id, { limit: 3, cursor: first.nextCursor });
  assert.equal(second.items.length, 2);
  assert.equal(second.nextCursor, null);
  const all = [...first.items, ...second.items];
  assert.deepEqual(
    all.map((e) => (e.diff as { orgCode: string }).orgCode),
    ["D4", "D3", "D2", "D1", "D0"],
  );
  const logs = await db.callbackLog.findMany({ where: { id: { in: all.map((e) => e.callbackLogId ?? "") } }, select: { endpoint: true } });
  assert.equal(logs.length, 5);
  assert.ok(logs.every((l) => l.endpoint === "kit/singleOrgSync"));
});

test("a stored Kit call (V2 and V1) can be re-run; it is logged as a retry and has no second effect", async () => {
  const t = { tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` };
  // A child refused as a cycle… (its parent waits for it)
  assert.equal(await kit("singleOrgSync", { ...t, orgCode: "P", orgName: "Parent", parentCode: "C", flag: 1 }), "000000");
  assert.equal(await kit("singleOrgSync", { ...t, orgCode: "C", orgName: "Child", parentCode: "P", flag: 1 }), "000002");
  const db = await getDb();
  const refused = await db.callbackLog.findFirstOrThrow({ where: { tenantId: t.tenantId, resultCode: "000002" } });
  assert.ok(refused.requestSealed, "a verified call that was refused can still be re-run");
  // …succeeds once the parent was moved to the top.
  assert.equal(await kit("singleOrgSync", { ...t, orgCode: "P", orgName: "Parent", parentCode: "", flag: 2 }, "V1"), "000000");
  const retried = await retryCallback(refused.id, "staff:test");
  assert.equal(retried.resultCode, "000000");
  const row = await db.callbackLog.findUniqueOrThrow({ where: { id: retried.logId! } });
  assert.deepEqual([row.endpoint, row.generation, row.verification, row.retryOfId], ["kit/singleOrgSync", "V2", "RETRY", refused.id]);

  const v1 = await db.callbackLog.findFirstOrThrow({ where: { tenantId: t.tenantId, generation: "V1" } });
  // It succeeded: applying it again is a confirmed re-apply (ADR 0006), not a retry.
  await assert.rejects(retryCallback(v1.id, "staff:test"), (e: unknown) => e instanceof PortalError && e.code === "conflict");
  const again = await retryCallback(v1.id, "staff:test", { reapply: { reason: "test: no second effect" } });
  assert.equal(again.resultCode, "000000");
  const v1Retry = await db.callbackLog.findUniqueOrThrow({ where: { id: again.logId! } });
  assert.deepEqual([v1Retry.endpoint, v1Retry.generation, v1Retry.verification], ["kit/singleOrgSync", "V1", "RETRY"]);
  const departments = await db.department.findMany({
    where: { tenant: { tenantId: t.tenantId } },
    orderBy: { orgCode: "asc" },
    select: { orgCode: true, parentCode: true },
  });
  assert.deepEqual(departments, [
    { orgCode: "C", parentCode: "P" },
    { orgCode: "P", parentCode: "" },
  ]);
});
