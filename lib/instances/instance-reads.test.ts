// The portal's instance reads and staff actions in-process on a real database
// (embedded PGlite; a throw-away PostgreSQL database with TEST_DB=postgres):
// filters, keyset paging without gaps or repeats in every sort order, a tenant
// admin's scope, the CSV export's quoting and formula neutralisation, the
// merged timeline, and the staff verbs with their history rows. Each test
// tags its rows with its own productId, so tests do not see each other's data.
// Speed at 100,000 instances is measured by `npm run bench -- --section portal-lists`.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-instances", { KOOGALLERY_ACCESS_KEY: "instances-basic-key" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { PortalError, CallbackError } = await import("@/lib/errors");
const { instanceScope } = await import("@/lib/access/instance-scope");
const { createTenantRow } = await import("@/lib/tenants/ensure-tenant");
const { listInstances, exportInstancesCsv, parseInstanceQuery, csvCell, CSV_COLUMNS } = await import("@/lib/instances/list-instances");
const { getInstanceDetail } = await import("@/lib/instances/get-instance-detail");
const { freezeInstance, unfreezeInstance, rerunProvisioning, revealAppInfo } = await import("@/lib/instances/staff-actions");
const { changeInstanceStatus } = await import("@/lib/instances/change-instance-status");
const { provisionInstance } = await import("@/lib/instances/provision-instance");
const { runProvisioningJob } = await import("@/lib/instances/complete-provisioning");
const { createAdapter } = await import("@/lib/provisioning/adapters");
type InstanceListQuery = import("@/lib/instances/list-instances").InstanceListQuery;
type InstanceSort = import("@/lib/instances/list-instances").InstanceSort;
type InstanceWhere = import("@/lib/generated/prisma/client").Prisma.InstanceWhereInput;
type SaasContext = import("@/lib/instances/types").SaasContext;
const { plainStatement } = await import("@/lib/callbacks/activity");

const T0 = Date.UTC(2026, 0, 1);
const minutes = (n: number) => new Date(T0 + n * 60_000);

type Seed = {
  id?: string;
  createdAt?: Date;
  state?: "PROVISIONING" | "ACTIVE" | "FROZEN" | "RELEASED";
  provisionStatus?: "PENDING" | "DONE" | "FAILED";
  provisionError?: string;
  customerId?: string;
  customerName?: string;
  orderId?: string;
  isTrial?: boolean;
  isTest?: boolean;
  expireAt?: Date | null;
};

async function seed(productId: string, rows: Seed[]): Promise<string[]> {
  const db = await getDb();
  const data = rows.map((r, i) => {
    const id = r.id ?? `inst-${randomUUID()}`;
    const orderId = r.orderId ?? `CS${randomUUID().slice(0, 8)}`;
    return {
      id,
      orderKey: `${orderId}#line:${id}`,
      generation: "V2" as const,
      orderId,
      orderLineId: `${orderId}-1`,
      productId,
      skuCode: "sku-1",
      customerId: r.customerId ?? `cust-${i}`,
      customerName: r.customerName ?? `Customer ${i}`,
      state: r.state ?? ("ACTIVE" as const),
      provisionStatus: r.provisionStatus ?? ("DONE" as const),
      provisionError: r.provisionError ?? null,
      provisionAdapter: "builtin",
      isTrial: r.isTrial ?? false,
      isTest: r.isTest ?? false,
      expireAt: r.expireAt === undefined ? null : r.expireAt,
      createdAt: r.createdAt ?? minutes(i),
    };
  });
  await db.instance.createMany({ data });
  return data.map((d) => d.id);
}

async function ids(productId: string, query: Omit<InstanceListQuery, "productId"> = {}, scope: InstanceWhere = {}): Promise<string[]> {
  const page = await listInstances(await getDb(), scope, { ...query, productId, limit: query.limit ?? 200 });
  return page.items.map((i) => i.id);
}

async function allPages(
  productId: string,
  sort: InstanceSort,
  limit: number,
  extra: Omit<InstanceListQuery, "productId" | "sort" | "limit" | "cursor"> = {},
): Promise<string[]> {
  const db = await getDb();
  const seen: string[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const page = await listInstances(db, {}, { ...extra, productId, sort, limit, cursor });
    assert.ok(page.items.length <= limit);
    seen.push(...page.items.map((r) => r.id));
    if (!page.nextCursor) return seen;
    cursor = page.nextCursor;
  }
  throw new Error("paging did not end");
}

const isBadRequest = (e: unknown) => e instanceof PortalError && e.code === "bad_request";
const isConflict = (e: unknown) => e instanceof PortalError && e.code === "conflict";
const isForbidden = (e: unknown) => e instanceof PortalError && e.code === "forbidden";

async function staff(role: "OWNER" | "OPERATOR" | "VIEWER", opts: { disabled?: boolean } = {}) {
  const db = await getDb();
  const email = `${role.toLowerCase()}-${randomUUID().slice(0, 8)}@example.com`;
  const row = await db.staffUser.create({ data: { email, name: role, passwordHash: "not-a-hash", role, disabledAt: opts.disabled ? new Date() : null } });
  return { staffId: row.id, email };
}

async function saasContext(): Promise<SaasContext> {
  const env = getEnv();
  const db = await getDb();
  return { tx: db, env, adapter: createAdapter(env), generation: "V2", actor: "koogallery", callbackLogId: randomUUID(), statement: plainStatement(db) };
}

/** A Tenant row as the Kit syncs write it (with its TenantInstance binding), deleted when asked. */
async function bindTenant(tenantId: string, instanceKey: string, extra: { deletedAt?: Date } = {}): Promise<string> {
  const db = await getDb();
  return db.$transaction(async (tx) => {
    const fields = { tenantCode: `code-${tenantId.slice(0, 6)}`, name: `Tenant ${tenantId}`, domainName: "https://idp.example", isTest: false };
    const row = await createTenantRow(tx, tenantId, instanceKey, fields);
    if (extra.deletedAt) await tx.tenant.update({ where: { id: row.id }, data: { deletedAt: extra.deletedAt } });
    return row.id;
  });
}

test("filters: state, trial, test data hidden by default, created range, tenant, and search", async () => {
  const p = `p-${randomUUID()}`;
  const [a, b, c, d, e, f] = await seed(p, [
    { state: "ACTIVE", customerName: "Acme Corp", customerId: "cust-acme" },
    { state: "FROZEN", isTrial: true, customerName: "Beta 100% Ltd" },
    { state: "RELEASED", customerName: "gamma_co" },
    { state: "ACTIVE", isTest: true, customerName: "Test Buyer" },
    { state: "PROVISIONING", provisionStatus: "PENDING", customerName: "ACME subsidiary" },
    { state: "ACTIVE", orderId: `CSORDER-${p}` },
  ]);
  // Newest first: f, e, (d is test data), c, b, a.
  assert.deepEqual(await ids(p), [f, e, c, b, a]);
  assert.deepEqual(await ids(p, { includeTest: true }), [f, e, d, c, b, a]);
  assert.deepEqual(await ids(p, { state: "ACTIVE" }), [f, a]);
  assert.deepEqual(await ids(p, { state: "ACTIVE", includeTest: true }), [f, d, a]);
  assert.deepEqual(await ids(p, { isTrial: true }), [b]);
  assert.deepEqual(await ids(p, { isTrial: false }), [f, e, c, a]);
  assert.deepEqual(await ids(p, { createdFrom: minutes(1), createdBefore: minutes(4) }), [c, b]);
  // Search: exact ids, or a case-insensitive part of the name; % and _ are not wildcards.
  assert.deepEqual(await ids(p, { q: "acme" }), [e, a]);
  assert.deepEqual(await ids(p, { q: "cust-acme" }), [a]);
  assert.deepEqual(await ids(p, { q: ` ${c} ` }), [c]);
  assert.deepEqual(await ids(p, { q: `CSORDER-${p}` }), [f]);
  assert.deepEqual(await ids(p, { q: "100%" }), [b]);
  assert.deepEqual(await ids(p, { q: "%" }), [b]);
  assert.deepEqual(await ids(p, { q: "A_C" }), [c], "an underscore matches itself");
  assert.deepEqual(await ids(p, { q: "me_co" }), [], "and nothing else (Acme Corp)");
  assert.deepEqual(await ids(p, { q: "\\" }), []);
  assert.deepEqual(await ids(p, { q: "cust-" }), [], "customer ids match exactly, not by part");

  // A KooGallery tenant id lists the instances its rows are bound to (also a deleted row's).
  const tenantId = `t-${randomUUID()}`;
  await bindTenant(tenantId, a!);
  await bindTenant(tenantId, c!, { deletedAt: new Date() });
  await bindTenant(tenantId, "");
  assert.deepEqual(await ids(p, { tenantId }), [c, a]);
  assert.deepEqual(await ids(p, { tenantId: `t-${randomUUID()}` }), []);

  // From query parameters: names, whole UTC days, booleans; anything malformed is a 400.
  const parsed = parseInstanceQuery(
    new URLSearchParams({ q: "x", state: "FROZEN", trial: "true", test: "1", from: "2026-01-01", to: "2026-01-01", sort: "expireAt-asc", limit: "5" }),
  );
  assert.deepEqual(
    { ...parsed, createdFrom: parsed.createdFrom?.toISOString(), createdBefore: parsed.createdBefore?.toISOString() },
    {
      q: "x",
      state: "FROZEN",
      productId: undefined,
      tenantId: undefined,
      isTrial: true,
      includeTest: true,
      createdFrom: "2026-01-01T00:00:00.000Z",
      createdBefore: "2026-01-02T00:00:00.000Z",
      sort: "expireAt-asc",
      cursor: undefined,
      limit: 5,
    },
  );
  assert.equal(parseInstanceQuery(new URLSearchParams()).includeTest, false);
  // Or instants with their zone: the portal sends whole days of the viewer's zone (25 Nov in Asia/Shanghai), `to` inclusive.
  const instants = parseInstanceQuery(new URLSearchParams({ from: "2026-11-24T16:00:00.000Z", to: "2026-11-25T15:59:59.999Z" }));
  assert.equal(instants.createdFrom?.toISOString(), "2026-11-24T16:00:00.000Z");
  assert.equal(instants.createdBefore?.toISOString(), "2026-11-25T16:00:00.000Z");
  const offsets = parseInstanceQuery(new URLSearchParams({ from: "2026-11-25T00:00:00+08:00", to: "2026-11-25T23:59+08:00" }));
  assert.equal(offsets.createdFrom?.toISOString(), "2026-11-24T16:00:00.000Z");
  assert.equal(offsets.createdBefore?.toISOString(), "2026-11-25T15:59:00.001Z");
  for (const bad of <Array<Record<string, string>>>[
    { from: "2026-11-25T00:00:00" },
    { to: "2026-11-25T24:61:00Z" },
    { from: "2026-11-25T1Z" },
    { state: "GONE" },
    { sort: "name" },
    { trial: "yes" },
    { from: "2026-02-30" },
    { from: "2026-13-01" },
    { to: "2026-00-10" },
    { to: "yesterday" },
    { limit: "0" },
    { limit: "ten" },
  ]) {
    assert.throws(() => parseInstanceQuery(new URLSearchParams(bad)), isBadRequest, JSON.stringify(bad));
  }
  const db = await getDb();
  await assert.rejects(listInstances(db, {}, { createdFrom: minutes(5), createdBefore: minutes(1) }), isBadRequest);
  await assert.rejects(listInstances(db, {}, { state: "GONE" as never }), isBadRequest);
  await assert.rejects(listInstances(db, {}, { createdFrom: new Date("nope") }), isBadRequest);
  await assert.rejects(listInstances(db, {}, { q: "x".repeat(101) }), isBadRequest);
});

test("keyset paging: every row once, in order, in each sort (ties in the sort key included)", async () => {
  const p = `p-${randomUUID()}`;
  const rows: Seed[] = Array.from({ length: 23 }, (_, i) => ({
    // Groups of three share a creation time and some share an expiry; some have none.
    createdAt: minutes(Math.floor(i / 3)),
    expireAt: i % 5 === 0 ? null : minutes(1000 + (i % 4)),
  }));
  const created = await seed(p, rows);
  const db = await getDb();
  const byId = new Map((await db.instance.findMany({ where: { productId: p }, select: { id: true, createdAt: true, expireAt: true } })).map((r) => [r.id, r]));
  const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
  const t = (d: Date | null | undefined) => d?.getTime() ?? null;
  const expected: Record<InstanceSort, string[]> = {
    "createdAt-desc": [...created].sort((x, y) => t(byId.get(y)!.createdAt)! - t(byId.get(x)!.createdAt)! || cmp(x, y)),
    "expireAt-asc": [...created].sort((x, y) => {
      const ex = t(byId.get(x)!.expireAt),
        ey = t(byId.get(y)!.expireAt);
      if (ex === ey) return cmp(x, y);
      if (ex === null) return 1;
      if (ey === null) return -1;
      return ex - ey;
    }),
    "expireAt-desc": [...created].sort((x, y) => {
      const ex = t(byId.get(x)!.expireAt),
        ey = t(byId.get(y)!.expireAt);
      if (ex === ey) return cmp(x, y);
      if (ex === null) return 1;
      if (ey === null) return -1;
      return ey - ex;
    }),
  };
  for (const sort of ["createdAt-desc", "expireAt-asc", "expireAt-desc"] as const) {
    for (const limit of [1, 4, 7, 23, 50]) {
      const seen = await allPages(p, sort, limit);
      assert.equal(new Set(seen).size, seen.length, `${sort}/${limit}: no repeats`);
      assert.deepEqual(seen, expected[sort], `${sort}/${limit}: same order as one query, nothing missing`);
    }
  }
  // Paging with a filter too.
  const trial = await seed(p, [
    { isTrial: true, createdAt: minutes(100) },
    { isTrial: true, createdAt: minutes(100) },
    { isTrial: true, createdAt: minutes(101) },
  ]);
  assert.deepEqual(new Set(await allPages(p, "createdAt-desc", 1, { isTrial: true })), new Set(trial));

  const first = await listInstances(db, {}, { productId: p, limit: 2 });
  assert.ok(first.nextCursor);
  await assert.rejects(listInstances(db, {}, { productId: p, cursor: "garbage" }), isBadRequest);
  await assert.rejects(listInstances(db, {}, { productId: p, cursor: first.nextCursor, sort: "expireAt-asc" }), isBadRequest, "a cursor of another sort");
  await assert.rejects(
    listInstances(db, {}, { productId: p, cursor: Buffer.from(JSON.stringify(["createdAt-desc", "not a date", "x"])).toString("base64url") }),
    isBadRequest,
  );
});

test("a tenant admin's scope: only the instances their enterprise is bound to, in lists, exports and detail", async () => {
  const p = `p-${randomUUID()}`;
  const [own1, own2, other, deletedBinding] = await seed(p, [{}, {}, {}, {}]);
  const mine = `t-${randomUUID()}`;
  const theirs = `t-${randomUUID()}`;
  await bindTenant(mine, own1!);
  await bindTenant(mine, own2!);
  await bindTenant(mine, deletedBinding!, { deletedAt: new Date() });
  await bindTenant(theirs, other!);
  const viewer = { kind: "buyer" as const, tenantId: mine, userName: "ann", name: "Ann", role: "admin" as const, orgCode: "1", tenantRowIds: [] };
  const scope = await instanceScope(viewer);
  assert.deepEqual(new Set(await ids(p, {}, scope)), new Set([own1, own2]));
  assert.deepEqual(await ids(p, { q: other! }, scope), [], "searching for another tenant's instance finds nothing");
  assert.deepEqual(await ids(p, { tenantId: theirs }, scope), [], "nor does filtering by the other tenant");
  const db = await getDb();
  assert.equal(await getInstanceDetail(db, scope, other!), null);
  assert.equal(await getInstanceDetail(db, scope, deletedBinding!), null);
  assert.ok(await getInstanceDetail(db, scope, own1!));
  let csv = "";
  for await (const chunk of await exportInstancesCsv(db, scope, { productId: p })) csv += chunk;
  assert.ok(csv.includes(own1!) && csv.includes(own2!));
  assert.ok(!csv.includes(other!));
  const nobody = await instanceScope({ ...viewer, tenantId: `t-${randomUUID()}` });
  assert.deepEqual(await ids(p, {}, nobody), []);
  // Staff see everything.
  assert.equal((await ids(p, {}, await instanceScope({ kind: "staff", staffId: "s", email: "s@example.com", name: "S", role: "VIEWER" }))).length, 4);
});

/** RFC 4180, enough for the tests. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  const endRow = () => {
    row.push(cell);
    rows.push(row);
    row = [];
    cell = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") {
      row.push(cell);
      cell = "";
    } else if (ch === "\r" && text[i + 1] === "\n") {
      endRow();
      i++;
    } else cell += ch;
  }
  if (cell || row.length) endRow();
  return rows;
}

test("CSV export: RFC 4180 quoting, formula cells neutralised, batches of 1000 without gaps, no secrets", async () => {
  assert.equal(csvCell("plain"), "plain");
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell("a,b"), '"a,b"');
  assert.equal(csvCell("line\nbreak"), '"line\nbreak"');
  assert.equal(csvCell("=1+2"), "'=1+2");
  assert.equal(csvCell("+1"), "'+1");
  assert.equal(csvCell("-1"), "'-1");
  assert.equal(csvCell("@SUM(A1)"), "'@SUM(A1)");
  assert.equal(csvCell("\tx"), "'\tx");
  assert.equal(csvCell('=HYPERLINK("http://evil","x")'), `"'=HYPERLINK(""http://evil"",""x"")"`);
  assert.equal(csvCell(null), "");
  assert.equal(csvCell(true), "true");
  assert.equal(csvCell(new Date(T0)), "2026-01-01T00:00:00.000Z");

  const p = `p-${randomUUID()}`;
  const ctx = await saasContext();
  const provisioned = await provisionInstance(ctx, {
    orderId: `CS${randomUUID().slice(0, 8)}`,
    businessId: `inst-${randomUUID()}`,
    productId: p,
    customerName: "=cmd|' /C calc'!A0",
    isTrial: false,
    isTest: false,
    isOnDemand: false,
  });
  const password = provisioned.appInfo?.password;
  assert.ok(password, "the built-in adapter stores an initial password");
  const [quoted] = await seed(p, [{ customerName: 'Acme, "the best"\nLtd', createdAt: new Date(Date.now() - 1000), expireAt: minutes(5) }]);
  const db = await getDb();
  let csv = "";
  for await (const chunk of await exportInstancesCsv(db, {}, { productId: p })) csv += chunk;
  assert.ok(csv.startsWith("\uFEFF"), "a byte-order mark for spreadsheet programs");
  assert.ok(!csv.includes(password), "never the password");
  assert.ok(!/v1\.[\w-]+\.[\w-]+\./.test(csv), "nor the sealed password");
  const rows = parseCsv(csv.slice(1));
  assert.deepEqual(rows[0], [...CSV_COLUMNS]);
  assert.equal(rows.length, 3);
  const byId = new Map(rows.slice(1).map((r) => [r[0], r]));
  const q = byId.get(quoted!)!;
  assert.equal(q[6], 'Acme, "the best"\nLtd');
  assert.equal(q[11], minutes(5).toISOString());
  assert.equal(q[13], minutes(5).toISOString());
  assert.deepEqual([q[7], q[8], q[9], q[10]], ["ACTIVE", "DONE", "false", "false"]);
  assert.equal(byId.get(provisioned.instanceId!)![6], "'=cmd|' /C calc'!A0");
  assert.equal(byId.get(provisioned.instanceId!)![11], "", "no expiry: empty in both columns");
  assert.equal(byId.get(provisioned.instanceId!)![13], "");

  // For a person: their headers and their zone's times, with the UTC columns kept for programs.
  const shanghai = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", dateStyle: "short", timeStyle: "medium" });
  const headers = Object.fromEntries(CSV_COLUMNS.map((c) => [c, `列 ${c}`])) as Record<(typeof CSV_COLUMNS)[number], string>;
  let local = "";
  for await (const chunk of await exportInstancesCsv(db, {}, { productId: p }, { headers, time: (at) => shanghai.format(at) })) local += chunk;
  const localRows = parseCsv(local.slice(1));
  assert.deepEqual(
    localRows[0],
    CSV_COLUMNS.map((c) => `列 ${c}`),
  );
  const localQ = localRows.find((r) => r[0] === quoted)!;
  assert.equal(localQ[11], shanghai.format(minutes(5)));
  assert.equal(localQ[11], "2026/1/1 08:05:00");
  assert.deepEqual([localQ[13], localQ[14]], [minutes(5).toISOString(), q[14]]);

  // More than one batch: every row once.
  const many = `p-${randomUUID()}`;
  const seeded = await seed(
    many,
    Array.from({ length: 2105 }, (_, i) => ({ createdAt: minutes(Math.floor(i / 7)) })),
  );
  let big = "";
  let chunks = 0;
  for await (const chunk of await exportInstancesCsv(db, {}, { productId: many })) {
    big += chunk;
    chunks++;
  }
  assert.equal(chunks, 1 + 3, "a header, then batches of 1000");
  const exported = parseCsv(big.slice(1))
    .slice(1)
    .map((r) => r[0]);
  assert.equal(exported.length, 2105);
  assert.deepEqual(new Set(exported), new Set(seeded));
  // A bad filter is refused before the download starts.
  await assert.rejects(exportInstancesCsv(db, {}, { sort: "nope" as never }), isBadRequest);
});

test("detail: app info masked, orders, and one timeline of events, callbacks and tenant syncs, newest first", async () => {
  const p = `p-${randomUUID()}`;
  const ctx = await saasContext();
  const orderId = `CS${randomUUID().slice(0, 8)}`;
  const created = await provisionInstance(ctx, {
    orderId,
    orderLineId: `${orderId}-1`,
    businessId: `inst-${randomUUID()}`,
    productId: p,
    customerId: "c-1",
    customerName: "Detail Co",
    isTrial: true,
    isTest: false,
    isOnDemand: false,
  });
  const id = created.instanceId!;
  const password = created.appInfo!.password!;
  const db = await getDb();
  // A freeze through the callback verb, linked to a callback log row.
  const logId = randomUUID();
  await db.callbackLog.create({
    data: {
      id: logId,
      endpoint: "saas",
      generation: "V2",
      activity: "updateInstanceStatus",
      method: "POST",
      verification: "OK",
      resultCode: "000000",
      resultMsg: "success",
      latencyMs: 3,
      instanceId: id,
      requestMasked: {},
      receivedAt: new Date(Date.now() + 1000),
    },
  });
  await db.$transaction((tx) =>
    changeInstanceStatus({ ...ctx, tx, callbackLogId: logId }, { instanceId: id, action: "FREEZE", reason: "status", isTest: false }),
  );
  await db.instanceEvent.updateMany({ where: { instanceId: id, kind: "FROZEN" }, data: { createdAt: new Date(Date.now() + 2000) } });
  // A Kit sync of a tenant bound to it, and one of another instance's tenant.
  const tenantId = `t-${randomUUID()}`;
  const rowId = await bindTenant(tenantId, id);
  const otherRow = await bindTenant(`t-${randomUUID()}`, `inst-${randomUUID()}`);
  await db.syncEvent.create({ data: { tenantRowId: rowId, kind: "authSync", flag: 1, counts: { added: 2 }, createdAt: new Date(Date.now() + 3000) } });
  await db.syncEvent.create({ data: { tenantRowId: otherRow, kind: "authSync", flag: 1, counts: { added: 9 } } });
  // A staff freeze/unfreeze pair with a reason.
  const op = await staff("OPERATOR");
  await unfreezeInstance({ actor: op, instanceId: id, reason: "customer paid" });
  await db.instanceEvent.updateMany({ where: { instanceId: id, kind: "staff-unfreeze" }, data: { createdAt: new Date(Date.now() + 4000) } });

  const detail = await getInstanceDetail(db, {}, id);
  assert.ok(detail);
  assert.equal(detail.instance.customerName, "Detail Co");
  assert.equal(detail.instance.state, "ACTIVE");
  assert.deepEqual(
    { ...detail.appInfo, frontEndUrl: Boolean(detail.appInfo.frontEndUrl) },
    { frontEndUrl: true, adminUrl: created.appInfo!.adminUrl ?? null, adminUserName: created.appInfo!.userName ?? null, hasPassword: true, memo: null },
  );
  const json = JSON.stringify(detail);
  assert.ok(!json.includes(password), "never the password");
  assert.ok(!json.includes("adminPasswordEnc"), "nor the sealed one");
  assert.deepEqual(
    detail.orders.map((o) => [o.orderId, o.kind]),
    [[orderId, "NEW"]],
  );
  assert.deepEqual(
    detail.tenants.map((t) => t.tenantId),
    [tenantId],
  );
  const times = detail.timeline.map((i) => i.at.getTime());
  assert.deepEqual(
    times,
    [...times].sort((a, b) => b - a),
    "newest first",
  );
  const kinds = detail.timeline.map((i) => `${i.kind}:${i.code}`);
  assert.deepEqual(kinds, ["event:staff-unfreeze", "sync:authSync", "event:FROZEN", "callback:updateInstanceStatus", "event:CREATED_AND_PROVISIONED"]);
  assert.equal(detail.timeline[1]!.tenant, `code-${tenantId.slice(0, 6)}`);
  const staffEvent = detail.timeline[0]!;
  assert.equal(staffEvent.actor, `staff:${op.email}`);
  assert.deepEqual([staffEvent.fromState, staffEvent.toState], ["FROZEN", "ACTIVE"]);
  assert.deepEqual(staffEvent.facts, [{ key: "reason", value: "customer paid" }]);
  assert.ok(!staffEvent.facts.some((f) => f.key === "staffId"), "the actor names the staff member; the id stays in the row");
  const callback = detail.timeline.find((i) => i.kind === "callback")!;
  assert.equal(callback.callbackLogId, logId);
  assert.deepEqual([callback.resultCode, callback.verification, callback.isRerun], ["000000", "OK", false]);
  assert.equal(detail.timeline.find((i) => i.code === "FROZEN")!.callbackLogId, logId);
  assert.ok(!detail.timeline.some((i) => i.facts.some((f) => f.key === "added" && f.value === "9")), "another instance's tenant syncs stay out");

  // A tenant admin sees their own tenant's syncs, and "merchant staff" rather than who.
  const forAdmin = await getInstanceDetail(db, {}, id, { tenantScope: { tenantId: `t-${randomUUID()}` }, showStaffIdentity: false });
  assert.ok(forAdmin);
  assert.ok(!forAdmin.timeline.some((i) => i.kind === "sync"));
  assert.equal(forAdmin.timeline[0]!.actor, "staff", "merchant staff, unnamed (the page words it)");
  assert.ok(!JSON.stringify(forAdmin).includes(op.email));
  assert.equal(await getInstanceDetail(db, {}, `inst-${randomUUID()}`), null);
});

test("staff freeze and unfreeze: recorded with the actor and reason; impossible transitions are conflicts", async () => {
  const p = `p-${randomUUID()}`;
  const [active, released, provisioning] = await seed(p, [{ state: "ACTIVE" }, { state: "RELEASED" }, { state: "PROVISIONING", provisionStatus: "PENDING" }]);
  const op = await staff("OPERATOR");
  const owner = await staff("OWNER");
  const db = await getDb();

  assert.deepEqual(await freezeInstance({ actor: op, instanceId: active!, reason: "  abuse report 42  " }), {
    instanceId: active,
    state: "FROZEN",
    provisionStatus: "DONE",
  });
  await assert.rejects(freezeInstance({ actor: op, instanceId: active! }), (e: unknown) => isConflict(e) && /already frozen/.test((e as Error).message));
  assert.deepEqual(await unfreezeInstance({ actor: owner, instanceId: active! }), { instanceId: active, state: "ACTIVE", provisionStatus: "DONE" });
  await assert.rejects(unfreezeInstance({ actor: op, instanceId: active! }), isConflict);
  const events = await db.instanceEvent.findMany({ where: { instanceId: active! }, orderBy: { createdAt: "asc" } });
  assert.deepEqual(
    events.map((e) => [e.kind, e.fromState, e.toState, e.actor, e.detail]),
    [
      ["staff-freeze", "ACTIVE", "FROZEN", `staff:${op.email}`, { staffId: op.staffId, reason: "abuse report 42" }],
      ["staff-unfreeze", "FROZEN", "ACTIVE", `staff:${owner.email}`, { staffId: owner.staffId }],
    ],
  );
  const row = await db.instance.findUniqueOrThrow({ where: { id: active! } });
  assert.equal(row.frozenAt, null);

  await assert.rejects(freezeInstance({ actor: op, instanceId: released! }), (e: unknown) => isConflict(e) && /released/.test((e as Error).message));
  await assert.rejects(unfreezeInstance({ actor: op, instanceId: released! }), isConflict);
  // Frozen while provisioning goes back to PROVISIONING, not ACTIVE.
  await freezeInstance({ actor: op, instanceId: provisioning! });
  assert.equal((await unfreezeInstance({ actor: op, instanceId: provisioning! })).state, "PROVISIONING");

  // Who may: enabled operators and owners only, re-checked by the verb itself.
  const viewer = await staff("VIEWER");
  const disabled = await staff("OPERATOR", { disabled: true });
  await assert.rejects(freezeInstance({ actor: viewer, instanceId: active! }), isForbidden);
  await assert.rejects(freezeInstance({ actor: disabled, instanceId: active! }), isForbidden);
  await assert.rejects(freezeInstance({ actor: { staffId: op.staffId, email: "someone-else@example.com" }, instanceId: active! }), isForbidden);
  await assert.rejects(freezeInstance({ actor: op, instanceId: `inst-${randomUUID()}` }), (e: unknown) => e instanceof PortalError && e.code === "not_found");
  await assert.rejects(freezeInstance({ actor: op, instanceId: active!, reason: "x".repeat(501) }), isBadRequest);
  assert.equal((await db.instance.findUniqueOrThrow({ where: { id: active! } })).state, "ACTIVE", "refusals change nothing");
  assert.equal(await db.instanceEvent.count({ where: { instanceId: active! } }), 2);

  // KooGallery's own repeats keep their answers (the shared rules did not change them).
  const ctx = await saasContext();
  const outcome = await db.$transaction((tx) =>
    changeInstanceStatus({ ...ctx, tx }, { instanceId: released!, action: "FREEZE", reason: "status", isTest: false }),
  );
  assert.equal(outcome.resultCode, "000000");
  await assert.rejects(
    db.$transaction((tx) => changeInstanceStatus({ ...ctx, tx }, { instanceId: released!, action: "UNFREEZE", reason: "status", isTest: false })),
    (e: unknown) => e instanceof CallbackError && e.resultCode === "000003",
  );
});

test("re-run provisioning: only FAILED or PENDING; the job is queued again (or reset), and the worker can finish it", async () => {
  const p = `p-${randomUUID()}`;
  const [failed, pending, done, releasedFailed, running] = await seed(p, [
    { state: "PROVISIONING", provisionStatus: "FAILED", provisionError: "backend refused the instance: HTTP 400" },
    { state: "PROVISIONING", provisionStatus: "PENDING" },
    { state: "ACTIVE", provisionStatus: "DONE" },
    { state: "RELEASED", provisionStatus: "FAILED" },
    { state: "PROVISIONING", provisionStatus: "PENDING" },
  ]);
  const db = await getDb();
  const op = await staff("OPERATOR");
  // The failed instance's job ran to its end before.
  await db.job.create({
    data: {
      kind: "provision-instance",
      payload: { instanceId: failed },
      dedupeKey: `provision:${failed}`,
      status: "DONE",
      attempts: 20,
      finishedAt: new Date(),
      lastError: "HTTP 400",
    },
  });
  await db.job.create({
    data: {
      kind: "provision-instance",
      payload: { instanceId: running },
      dedupeKey: `provision:${running}`,
      status: "RUNNING",
      attempts: 1,
      lockedBy: "w",
      lockedUntil: new Date(Date.now() + 60_000),
    },
  });

  assert.deepEqual(await rerunProvisioning({ actor: op, instanceId: failed!, reason: "backend fixed" }), {
    instanceId: failed,
    state: "PROVISIONING",
    provisionStatus: "PENDING",
  });
  const job = await db.job.findUniqueOrThrow({ where: { dedupeKey: `provision:${failed}` } });
  assert.deepEqual([job.status, job.attempts, job.lastError, job.finishedAt], ["PENDING", 0, null, null]);
  const row = await db.instance.findUniqueOrThrow({ where: { id: failed! } });
  assert.deepEqual([row.provisionStatus, row.provisionError], ["PENDING", null]);
  const event = await db.instanceEvent.findFirstOrThrow({ where: { instanceId: failed!, kind: "staff-reprovision" } });
  assert.equal(event.actor, `staff:${op.email}`);
  assert.deepEqual(event.detail, {
    staffId: op.staffId,
    previousStatus: "FAILED",
    previousError: "backend refused the instance: HTTP 400",
    reason: "backend fixed",
  });

  // PENDING without a job row (lost, or provisioned inline before): a new job.
  await rerunProvisioning({ actor: op, instanceId: pending! });
  assert.equal((await db.job.findUniqueOrThrow({ where: { dedupeKey: `provision:${pending}` } })).status, "PENDING");

  await assert.rejects(rerunProvisioning({ actor: op, instanceId: done! }), (e: unknown) => isConflict(e) && /already provisioned/.test((e as Error).message));
  await assert.rejects(rerunProvisioning({ actor: op, instanceId: releasedFailed! }), isConflict);
  await assert.rejects(rerunProvisioning({ actor: op, instanceId: running! }), (e: unknown) => isConflict(e) && /running/.test((e as Error).message));
  await assert.rejects(rerunProvisioning({ actor: await staff("VIEWER"), instanceId: failed! }), isForbidden);
  assert.equal(await db.instanceEvent.count({ where: { instanceId: { in: [done!, releasedFailed!, running!] } } }), 0, "refusals leave no history");

  // The queued job is the callback path's: the job handler provisions the instance.
  await runProvisioningJob(db, job.payload, { id: job.id, kind: "provision-instance", payload: job.payload, attempts: 1, maxAttempts: job.maxAttempts });
  const after = await db.instance.findUniqueOrThrow({ where: { id: failed! } });
  assert.deepEqual([after.provisionStatus, after.state, Boolean(after.frontEndUrl), Boolean(after.adminPasswordEnc)], ["DONE", "ACTIVE", true, true]);
});

test("reveal: the password for operators, recorded with who revealed it and never the value", async () => {
  const p = `p-${randomUUID()}`;
  const ctx = await saasContext();
  const created = await provisionInstance(ctx, {
    orderId: `CS${randomUUID().slice(0, 8)}`,
    businessId: `inst-${randomUUID()}`,
    productId: p,
    isTrial: false,
    isTest: false,
    isOnDemand: false,
  });
  const id = created.instanceId!;
  const password = created.appInfo!.password!;
  const op = await staff("OPERATOR");
  const revealed = await revealAppInfo({ actor: op, instanceId: id });
  assert.equal(revealed.password, password);
  assert.equal(revealed.adminUserName, created.appInfo!.userName);
  const db = await getDb();
  const events = await db.instanceEvent.findMany({ where: { instanceId: id, kind: "app-info-revealed" } });
  assert.equal(events.length, 1);
  assert.equal(events[0]!.actor, `staff:${op.email}`);
  assert.deepEqual(events[0]!.detail, { staffId: op.staffId });
  assert.ok(!JSON.stringify(await db.instanceEvent.findMany({ where: { instanceId: id } })).includes(password));

  await assert.rejects(revealAppInfo({ actor: await staff("VIEWER"), instanceId: id }), isForbidden);
  await assert.rejects(revealAppInfo({ actor: await staff("OWNER", { disabled: true }), instanceId: id }), isForbidden);
  assert.equal(
    await db.instanceEvent.count({ where: { instanceId: id, kind: "app-info-revealed" } }),
    1,
    "a refused reveal records nothing and returns nothing",
  );
  const [noPassword] = await seed(p, [{}]);
  await assert.rejects(revealAppInfo({ actor: op, instanceId: noPassword! }), isConflict);
  await assert.rejects(revealAppInfo({ actor: op, instanceId: `inst-${randomUUID()}` }), (e: unknown) => e instanceof PortalError && e.code === "not_found");
});
