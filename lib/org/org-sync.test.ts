// The department syncs and tree reads, in-process on a real database: an
// embedded PGlite folder by default, a throw-away PostgreSQL database with
// TEST_DB=postgres (TEST_PG_ADMIN_URL, default postgresql://postgres@127.0.0.1:5432/postgres).
// Every test mints its own tenant, so tests share no rows.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-org", { KOOGALLERY_ACCESS_KEY: "org-test-key" }, { migrate: true });
const { isPostgres } = database;

const { getDb, getRawSql } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { CallbackError } = await import("@/lib/errors");
const { kitSchemas } = await import("@/lib/koogallery/schemas");
const { applySingleOrgSync } = await import("@/lib/org/apply-single-org-sync");
const { applyAllOrgSync, DIFF_LIST_CAP } = await import("@/lib/org/apply-all-org-sync");
const { getOrgTree, searchDepartments } = await import("@/lib/org/read-org-tree");
const { generateOrgTree, reshapeOrgTree } = await import("@/testing/sample-org-tree");
type KitContext = import("@/lib/tenants/types").KitContext;
type Tx = import("@/lib/db").Tx;
type OrgTreeNode = import("@/lib/org/read-org-tree").OrgTreeNode;

const TIME_STAMP = "20260101120000000";

/** One callback's transaction; a full sync of thousands of rows on PGlite outlasts Prisma's 5 s default. */
async function inTx<T>(fn: (ctx: KitContext) => Promise<T>): Promise<T> {
  const db = await getDb();
  return db.$transaction((tx) => fn({ tx, env: getEnv(), actor: "test" }), { timeout: 120_000, maxWait: 30_000 });
}

type Tenant = { tenantId: string; instanceId: string };
const newTenant = (instanceId: string = `inst-${randomUUID()}`): Tenant => ({ tenantId: `tenant-${randomUUID()}`, instanceId });

function single(t: Tenant, flag: 0 | 1 | 2, orgCode: string, parentCode = "", orgName = `name ${orgCode}`) {
  return kitSchemas.singleOrgSync.parse({ ...t, orgCode, orgName, parentCode, flag, testFlag: 0, timeStamp: TIME_STAMP });
}

type Org = { orgCode: string; orgName: string; parentCode: string };
const org = (orgCode: string, parentCode = "", orgName = `name ${orgCode}`): Org => ({ orgCode, orgName, parentCode });
const full = (t: Tenant, list: Org[]) => kitSchemas.allOrgSync.parse({ ...t, orgInfoList: list, testFlag: 0, timeStamp: TIME_STAMP });

const syncOne = (t: Tenant, flag: 0 | 1 | 2, orgCode: string, parentCode?: string, orgName?: string) =>
  inTx((ctx) => applySingleOrgSync(ctx, single(t, flag, orgCode, parentCode, orgName)));
const syncAll = (t: Tenant, list: Org[]) => inTx((ctx) => applyAllOrgSync(ctx, full(t, list)));

async function tenantRowId(t: Tenant): Promise<string> {
  const db = await getDb();
  const row = await db.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId: t.tenantId, instanceKey: t.instanceId } } });
  return row.id;
}

/** orgCode -> { name, parentCode, parent's orgCode through parentId }. */
async function departments(t: Tenant, tx?: Tx) {
  const db = tx ?? (await getDb());
  const rows = await db.department.findMany({
    where: { tenant: { tenantId: t.tenantId, instanceKey: t.instanceId } },
    select: { orgCode: true, orgName: true, parentCode: true, parent: { select: { orgCode: true } } },
  });
  return new Map(rows.map((r) => [r.orgCode, { orgName: r.orgName, parentCode: r.parentCode, linkedTo: r.parent?.orgCode ?? null }]));
}

async function addUsers(t: Tenant, users: { userName: string; orgCode: string; appId?: string; status?: "ACTIVE" | "REVOKED" }[]) {
  const db = await getDb();
  const id = await tenantRowId(t);
  await db.tenantUser.createMany({
    data: users.map((u) => ({
      tenantRowId: id,
      appId: u.appId ?? "app-1",
      userName: u.userName,
      name: u.userName,
      orgCode: u.orgCode,
      role: "user",
      isEnabled: true,
      status: u.status ?? "ACTIVE",
    })),
  });
}

async function orphanFlags(t: Tenant): Promise<Record<string, boolean>> {
  const db = await getDb();
  const rows = await db.tenantUser.findMany({ where: { tenantRowId: await tenantRowId(t) }, select: { userName: true, appId: true, isOrphaned: true } });
  return Object.fromEntries(rows.map((r) => [`${r.userName}@${r.appId}`, r.isOrphaned]));
}

function isInvalidParams(error: unknown): boolean {
  return error instanceof CallbackError && error.resultCode === "000002";
}

// ------------------------------------------------------------------ singleOrgSync

test("singleOrgSync: add, repeated add, add-as-modify, modify-as-add, move, delete, repeated delete", async () => {
  const t = newTenant();
  const added = await syncOne(t, 1, "A");
  assert.equal(added.resultCode, "000000");
  assert.deepEqual(added.links, { tenantId: t.tenantId, instanceId: t.instanceId });
  assert.equal(added.isTest, false);
  assert.equal(added.counts.added, 1);

  const db = await getDb();
  const firstRow = await db.department.findFirstOrThrow({ where: { orgCode: "A", tenant: { tenantId: t.tenantId } } });
  const repeated = await syncOne(t, 1, "A");
  assert.equal(repeated.resultCode, "000000");
  assert.equal(repeated.counts.unchanged, 1);
  assert.equal(repeated.counts.added, 0);
  const sameRow = await db.department.findFirstOrThrow({ where: { orgCode: "A", tenant: { tenantId: t.tenantId } } });
  assert.equal(sameRow.updatedAt.getTime(), firstRow.updatedAt.getTime(), "a repeated add writes nothing");

  const addAsModify = await syncOne(t, 1, "A", "", "Alpha");
  assert.equal(addAsModify.counts.renamed, 1);

  const modifyAsAdd = await syncOne(t, 2, "B", "", "Beta");
  assert.equal(modifyAsAdd.counts.added, 1);

  const moved = await syncOne(t, 2, "B", "A", "Beta 2");
  assert.deepEqual([moved.counts.moved, moved.counts.renamed], [1, 1]);
  assert.deepEqual((await departments(t)).get("B"), { orgName: "Beta 2", parentCode: "A", linkedTo: "A" });

  const deleted = await syncOne(t, 0, "B");
  assert.equal(deleted.counts.removed, 1);
  const deletedAgain = await syncOne(t, 0, "B");
  assert.equal(deletedAgain.resultCode, "000000");
  assert.equal(deletedAgain.counts.removed, 0);
  assert.match(deletedAgain.note, /already absent/);
  assert.deepEqual([...(await departments(t)).keys()], ["A"]);

  const events = await db.syncEvent.findMany({ where: { tenantRowId: await tenantRowId(t) }, orderBy: { createdAt: "asc" } });
  assert.equal(events.length, 7);
  assert.ok(events.every((e) => e.kind === "singleOrgSync"));
  assert.deepEqual(events.map((e) => e.flag).sort(), [0, 0, 1, 1, 1, 2, 2]);
});

test("singleOrgSync: a credential-debugging sync (no instance) is test data", async () => {
  const t = newTenant("");
  const outcome = await syncOne(t, 1, "A");
  assert.equal(outcome.isTest, true);
  assert.deepEqual(outcome.links, { tenantId: t.tenantId });
  const db = await getDb();
  const tenant = await db.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId: t.tenantId, instanceKey: "" } } });
  assert.equal(tenant.isTest, true);
  assert.equal((await db.syncEvent.findFirstOrThrow({ where: { tenantRowId: tenant.id } })).isTest, true);
});

test("singleOrgSync: children that arrive before their parent wait and are attached when it comes", async () => {
  const t = newTenant();
  await syncOne(t, 1, "C", "P");
  await syncOne(t, 1, "D", "C");
  await syncOne(t, 1, "E", "P");
  let tree = await departments(t);
  assert.deepEqual(tree.get("C"), { orgName: "name C", parentCode: "P", linkedTo: null });
  assert.equal(tree.get("D")?.linkedTo, "C");

  const parent = await syncOne(t, 1, "P");
  assert.equal(parent.counts.attachedChildren, 2);
  tree = await departments(t);
  assert.equal(tree.get("C")?.linkedTo, "P");
  assert.equal(tree.get("E")?.linkedTo, "P");

  // Deleting the parent: children keep parentCode and wait again; its users are orphaned.
  await addUsers(t, [
    { userName: "u-p", orgCode: "P" },
    { userName: "u-c", orgCode: "C" },
  ]);
  const deleted = await syncOne(t, 0, "P");
  assert.deepEqual([deleted.counts.detachedChildren, deleted.counts.orphanedUsers], [2, 1]);
  tree = await departments(t);
  assert.deepEqual(tree.get("C"), { orgName: "name C", parentCode: "P", linkedTo: null });
  assert.deepEqual(await orphanFlags(t), { "u-p@app-1": true, "u-c@app-1": false });

  const back = await syncOne(t, 1, "P");
  assert.deepEqual([back.counts.attachedChildren, back.counts.restoredUsers], [2, 1]);
  assert.equal((await departments(t)).get("C")?.linkedTo, "P");
  assert.deepEqual(await orphanFlags(t), { "u-p@app-1": false, "u-c@app-1": false });
});

test("singleOrgSync: a move that would make a cycle is refused with 000002 and changes nothing", async () => {
  const t = newTenant();
  await syncOne(t, 1, "A");
  await syncOne(t, 1, "B", "A");
  await syncOne(t, 1, "C", "B");
  await syncOne(t, 1, "X", "Y"); // waits for Y
  const before = await departments(t);

  await inTx(async (ctx) => {
    const eventsBefore = await ctx.tx.syncEvent.count();
    // Under its own grandchild, under itself, and (through a pending link) Y under X while X waits for Y.
    for (const req of [single(t, 2, "A", "C"), single(t, 2, "B", "B"), single(t, 1, "Y", "X"), single(t, 2, "A", "A")]) {
      await assert.rejects(applySingleOrgSync(ctx, req), isInvalidParams, `${req.orgCode} under ${req.parentCode}`);
    }
    // Checked in the same transaction: nothing was written before the refusal.
    assert.deepEqual(await departments(t, ctx.tx), before);
    assert.equal(await ctx.tx.syncEvent.count(), eventsBefore);
  });

  // A legal move across branches still works.
  await syncOne(t, 1, "Z");
  const moved = await syncOne(t, 2, "B", "Z");
  assert.equal(moved.counts.moved, 1);
  assert.equal((await departments(t)).get("C")?.linkedTo, "B");
});

// Concurrent transactions only exist on PostgreSQL (PGlite is one connection), so these two are registered there only.
if (isPostgres)
  test("singleOrgSync: two concurrent moves that together would make a cycle: one is refused", async () => {
    const t = newTenant();
    await syncOne(t, 1, "A");
    await syncOne(t, 1, "B");
    const results = await Promise.allSettled([syncOne(t, 2, "A", "B"), syncOne(t, 2, "B", "A")]);
    const refused = results.filter((r) => r.status === "rejected");
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 1);
    assert.equal(refused.length, 1);
    assert.ok(refused[0]?.status === "rejected" && isInvalidParams(refused[0].reason));
  });

if (isPostgres)
  test("an org sync in progress does not block grants being written for the same tenant", async () => {
    const t = newTenant();
    await syncOne(t, 1, "A");
    const outcome = await inTx(async (ctx) => {
      await applySingleOrgSync(ctx, single(t, 1, "B", "A"));
      // Another connection inserts a grant (foreign-key check on the tenant row) while the sync's lock is held.
      const timeout = new Promise<string>((resolve) => setTimeout(() => resolve("blocked"), 3_000).unref());
      return Promise.race([addUsers(t, [{ userName: "during-sync", orgCode: "B" }]).then(() => "written"), timeout]);
    });
    assert.equal(outcome, "written");
  });

// ------------------------------------------------------------------ allOrgSync

test("allOrgSync: first and second full sync, with diff counts, capped lists and parent links", async () => {
  const t = newTenant();
  const first = await syncAll(t, [org("R"), org("A", "R"), org("B", "R"), org("A1", "A"), org("A2", "A"), org("B1", "B"), org("W", "LATER")]);
  assert.equal(first.resultCode, "000000");
  assert.deepEqual(
    { ...first.counts },
    { added: 7, renamed: 0, moved: 0, removed: 0, unchanged: 0, total: 7, pendingParent: 1, orphanedUsers: 0, restoredUsers: 0 },
  );
  let tree = await departments(t);
  assert.equal(tree.get("A1")?.linkedTo, "A");
  assert.equal(tree.get("W")?.linkedTo, null);

  // Rename B, move A2 under B, remove A (A1 waits for it), add C, LATER arrives.
  const reshaped = [org("R"), org("B", "R", "Bee"), org("A1", "A"), org("A2", "B"), org("B1", "B"), org("C", "B1"), org("W", "LATER"), org("LATER")];
  const second = await syncAll(t, reshaped);
  assert.deepEqual(
    { ...second.counts },
    { added: 2, renamed: 1, moved: 1, removed: 1, unchanged: 4, total: 8, pendingParent: 1, orphanedUsers: 0, restoredUsers: 0 },
  );
  tree = await departments(t);
  assert.deepEqual(tree.get("A1"), { orgName: "name A1", parentCode: "A", linkedTo: null });
  assert.equal(tree.get("A2")?.linkedTo, "B");
  assert.equal(tree.get("C")?.linkedTo, "B1");
  assert.equal(tree.get("W")?.linkedTo, "LATER");
  assert.equal(tree.get("B")?.orgName, "Bee");
  assert.equal(tree.has("A"), false);

  const db = await getDb();
  const event = await db.syncEvent.findFirstOrThrow({ where: { tenantRowId: await tenantRowId(t), kind: "allOrgSync" }, orderBy: { createdAt: "desc" } });
  const diff = event.diff as { added: Org[]; renamed: unknown[]; moved: unknown[]; removed: Org[]; isTruncated: boolean };
  assert.deepEqual(diff.added.map((d) => d.orgCode).sort(), ["C", "LATER"]);
  assert.deepEqual(diff.moved, [{ orgCode: "A2", fromParentCode: "A", toParentCode: "B" }]);
  assert.deepEqual(diff.renamed, [{ orgCode: "B", fromName: "name B", toName: "Bee" }]);
  assert.deepEqual(diff.removed, [org("A", "R")]);
  assert.equal(diff.isTruncated, false);

  // The same list again: nothing changes.
  const third = await syncAll(t, reshaped);
  assert.equal(third.counts.unchanged, 8);
  assert.deepEqual([third.counts.added, third.counts.removed, third.counts.moved, third.counts.renamed], [0, 0, 0, 0]);

  // Lists past the cap keep 500 entries, the counts keep the truth.
  const big = Array.from({ length: DIFF_LIST_CAP + 200 }, (_, i) => org(`N${i}`, "R"));
  const capped = await syncAll(t, [org("R"), ...big]);
  assert.equal(capped.counts.added, DIFF_LIST_CAP + 200);
  const cappedEvent = await db.syncEvent.findFirstOrThrow({ where: { tenantRowId: await tenantRowId(t), kind: "allOrgSync" }, orderBy: { createdAt: "desc" } });
  const cappedDiff = cappedEvent.diff as { added: unknown[]; isTruncated: boolean };
  assert.equal(cappedDiff.added.length, DIFF_LIST_CAP);
  assert.equal(cappedDiff.isTruncated, true);
  assert.equal((cappedEvent.counts as { added: number }).added, DIFF_LIST_CAP + 200);
});

test("allOrgSync: a list with a repeated orgCode or a cycle is refused with 000002 and changes nothing", async () => {
  const t = newTenant();
  await syncAll(t, [org("R"), org("A", "R")]);
  const before = await departments(t);
  for (const list of [
    [org("R"), org("A", "R"), org("A", "")],
    [org("R", "B"), org("A", "R"), org("B", "A")],
  ]) {
    await assert.rejects(syncAll(t, list), (error: unknown) => isInvalidParams(error) && /orgInfoList/.test((error as Error).message));
  }
  await inTx(async (ctx) => {
    await assert.rejects(applyAllOrgSync(ctx, full(t, [org("Q", "Q")])), isInvalidParams);
    assert.deepEqual(await departments(t, ctx.tx), before);
  });
});

test("allOrgSync: users are orphaned when their department goes and restored when it comes back", async () => {
  const t = newTenant();
  await syncAll(t, [org("R"), org("A", "R"), org("B", "R")]);
  await addUsers(t, [
    { userName: "ann", orgCode: "A" },
    { userName: "ann", orgCode: "A", appId: "app-2" },
    { userName: "bob", orgCode: "B" },
    { userName: "nobody", orgCode: "" },
  ]);
  const removed = await syncAll(t, [org("R"), org("B", "R")]);
  assert.equal(removed.counts.orphanedUsers, 2);
  assert.deepEqual(await orphanFlags(t), { "ann@app-1": true, "ann@app-2": true, "bob@app-1": false, "nobody@app-1": false });

  const back = await syncAll(t, [org("R"), org("B", "R"), org("A", "B")]);
  assert.deepEqual([back.counts.restoredUsers, back.counts.orphanedUsers], [2, 0]);
  assert.deepEqual(await orphanFlags(t), { "ann@app-1": false, "ann@app-2": false, "bob@app-1": false, "nobody@app-1": false });
});

test("allOrgSync: tenants are kept apart", async () => {
  const t1 = newTenant();
  const t2 = newTenant();
  await syncAll(t1, [org("R"), org("A", "R")]);
  await syncAll(t2, [org("R"), org("B", "R")]);
  await syncAll(t1, [org("R")]);
  assert.deepEqual([...(await departments(t1)).keys()], ["R"]);
  assert.deepEqual([...(await departments(t2)).keys()].sort(), ["B", "R"]);
  assert.equal((await departments(t2)).get("B")?.linkedTo, "R");
});

// ------------------------------------------------------------------ reads

test("getOrgTree: nested nodes, subtree, depth, user counts once per userName, pending parents", async () => {
  const t = newTenant();
  await syncAll(t, [
    org("R", "", "Root"),
    org("A", "R", "Alpha"),
    org("B", "R", "Beta"),
    org("A1", "A", "Alpha one"),
    org("A2", "A", "Alpha two"),
    org("W", "LATER", "Waiting"),
  ]);
  await addUsers(t, [
    { userName: "ann", orgCode: "A1" },
    { userName: "ann", orgCode: "A1", appId: "app-2" }, // same person, second app: counted once
    { userName: "al", orgCode: "A" },
    { userName: "bea", orgCode: "B" },
    { userName: "gone", orgCode: "A2", status: "REVOKED" },
    { userName: "lost", orgCode: "NOWHERE" },
  ]);
  const id = await tenantRowId(t);
  const db = await getDb();

  const whole = await getOrgTree(db, id);
  assert.equal(whole.departmentCount, 6);
  assert.equal(whole.unplacedUserCount, 1);
  assert.deepEqual(
    whole.roots.map((n) => [n.orgCode, n.isPendingParent]),
    [
      ["R", false],
      ["W", true],
    ],
  );
  const root = whole.roots[0] as OrgTreeNode;
  assert.deepEqual([root.userCount, root.totalUserCount], [0, 3]);
  assert.deepEqual(
    root.children.map((c) => c.orgCode),
    ["A", "B"],
  );

  const sub = await getOrgTree(db, id, { rootOrgCode: "A" });
  assert.equal(sub.roots.length, 1);
  const a = sub.roots[0] as OrgTreeNode;
  assert.deepEqual(
    { code: a.orgCode, users: a.userCount, total: a.totalUserCount, children: a.children.map((c) => [c.orgCode, c.userCount, c.totalUserCount]) },
    {
      code: "A",
      users: 1,
      total: 2,
      children: [
        ["A1", 1, 1],
        ["A2", 0, 0],
      ],
    },
  );

  const shallow = await getOrgTree(db, id, { depth: 1 });
  assert.deepEqual(shallow.roots[0]?.children, []);
  assert.equal(shallow.roots[0]?.childCount, 2);
  assert.equal(shallow.roots[0]?.totalUserCount, 3);
  assert.deepEqual((await getOrgTree(db, id, { rootOrgCode: "missing" })).roots, []);
});

test("searchDepartments: matches by name or code with the ancestor path, exact code first", async () => {
  const t = newTenant();
  await syncAll(t, [
    org("R", "", "Root"),
    org("A", "R", "Sales"),
    org("A1", "A", "Sales East"),
    org("X", "LATER", "Sales pending"),
    org("P%", "", "100% literal"),
  ]);
  const id = await tenantRowId(t);
  const db = await getDb();

  const found = await searchDepartments(db, id, "sales", 10);
  assert.deepEqual(
    found.map((m) => m.orgCode),
    ["A", "A1", "X"],
  );
  assert.deepEqual(found[1]?.path, [
    { orgCode: "R", orgName: "Root" },
    { orgCode: "A", orgName: "Sales" },
  ]);
  assert.deepEqual(found[2]?.path, [{ orgCode: "LATER", orgName: null }]);
  assert.deepEqual(found[0]?.path, [{ orgCode: "R", orgName: "Root" }]);

  assert.deepEqual(
    (await searchDepartments(db, id, "a1")).map((m) => m.orgCode),
    ["A1"],
  );
  assert.deepEqual(
    (await searchDepartments(db, id, "%")).map((m) => m.orgCode),
    ["P%"],
    "% is literal",
  );
  assert.deepEqual(await searchDepartments(db, id, "  "), []);
  assert.equal((await searchDepartments(db, id, "s", 2)).length, 2);
});

// ------------------------------------------------------------------ scale

test("20,000 departments: full sync, second sync (2,000 moved, 1,000 removed), tree read", async (t) => {
  const tenant = newTenant();
  const tree = generateOrgTree({ count: 20_000, depth: 8 });
  const next = reshapeOrgTree(tree, { move: 2_000, remove: 1_000 });
  const users = Array.from({ length: 5_000 }, (_, i) => ({ userName: `user${i}`, orgCode: tree.entries[(i * 7919) % tree.entries.length]?.orgCode ?? "" }));

  let started = performance.now();
  const first = await syncAll(tenant, tree.entries);
  const firstMs = performance.now() - started;
  assert.equal(first.counts.added, 20_000);
  await addUsers(tenant, users);

  started = performance.now();
  const second = await syncAll(tenant, next);
  const secondMs = performance.now() - started;
  assert.deepEqual([second.counts.moved, second.counts.removed, second.counts.added, second.counts.unchanged], [2_000, 1_000, 0, 17_000]);
  const removedCodes = new Set(tree.entries.map((e) => e.orgCode).filter((c) => !next.some((e) => e.orgCode === c)));
  assert.equal(second.counts.orphanedUsers, users.filter((u) => removedCodes.has(u.orgCode)).length);

  // parentId agrees with parentCode everywhere.
  const raw = await getRawSql();
  const [check] = await raw.query<{ wrong: number }>(
    `SELECT count(*)::int AS wrong FROM "Department" c LEFT JOIN "Department" p ON p."tenantRowId" = c."tenantRowId" AND p."orgCode" = c."parentCode"
      WHERE c."tenantRowId" = $1 AND c."parentId" IS DISTINCT FROM p.id`,
    [await tenantRowId(tenant)],
  );
  assert.equal(check?.wrong, 0);

  const db = await getDb();
  started = performance.now();
  const read = await getOrgTree(db, await tenantRowId(tenant));
  const readMs = performance.now() - started;
  assert.equal(read.departmentCount, 19_000);
  const sum = read.roots.reduce((n, r) => n + r.totalUserCount, 0);
  assert.equal(sum + read.unplacedUserCount, 5_000);
  t.diagnostic(
    `${isPostgres ? "postgres" : "pglite"}: full sync ${firstMs.toFixed(0)} ms, second sync ${secondMs.toFixed(0)} ms, tree read ${readMs.toFixed(0)} ms`,
  );
});
