// Tenant isolation for every portal API and page: tenant A's admin gets 404
// (or 403) for each of tenant B's resources while B's admin and staff get
// them; an ordinary user gets no portal data at all. The table below must name
// every route file under app/api/portal and every portal page, so a new route
// cannot ship without its cross-tenant case.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { createTenant, expect, fromPortalPage, signInAsStaff, signInFromLoginPage, test, type TestTenant, type World } from "./fixtures";

type Ids = { rowId: string; instanceId: string; logId: string };
/** `ok`: the statuses that count as allowed (a repeated write may be a 409). */
type Target = {
  pattern: string;
  method?: "GET" | "POST" | "PATCH";
  body?: unknown;
  ok?: number[];
  path: (t: Ids) => string;
  kind: "api" | "page";
  perTenant: boolean;
  staffOnly?: boolean;
};

const TARGETS: Target[] = [
  { pattern: "/api/portal/me", kind: "api", perTenant: false, path: () => "/api/portal/me" },
  { pattern: "/api/portal/tenants", kind: "api", perTenant: false, path: () => "/api/portal/tenants" },
  { pattern: "/api/portal/tenants/[tenantRowId]", kind: "api", perTenant: true, path: ({ rowId }) => `/api/portal/tenants/${rowId}` },
  { pattern: "/api/portal/tenants/[tenantRowId]/users", kind: "api", perTenant: true, path: ({ rowId }) => `/api/portal/tenants/${rowId}/users` },
  { pattern: "/api/portal/tenants/[tenantRowId]/org", kind: "api", perTenant: true, path: ({ rowId }) => `/api/portal/tenants/${rowId}/org` },
  { pattern: "/api/portal/tenants/[tenantRowId]/sync-events", kind: "api", perTenant: true, path: ({ rowId }) => `/api/portal/tenants/${rowId}/sync-events` },
  { pattern: "/api/portal/staff", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/staff" },
  { pattern: "/api/portal/instances", kind: "api", perTenant: false, path: () => "/api/portal/instances" },
  { pattern: "/api/portal/instances/export.csv", kind: "api", perTenant: false, path: () => "/api/portal/instances/export.csv" },
  { pattern: "/api/portal/instances/[instanceId]", kind: "api", perTenant: true, path: ({ instanceId }) => `/api/portal/instances/${instanceId}` },
  {
    pattern: "/api/portal/instances/[instanceId]/actions",
    kind: "api",
    method: "POST",
    body: { action: "freeze" },
    ok: [200, 409],
    perTenant: true,
    staffOnly: true,
    path: ({ instanceId }) => `/api/portal/instances/${instanceId}/actions`,
  },
  {
    pattern: "/api/portal/instances/[instanceId]/reveal",
    kind: "api",
    method: "POST",
    perTenant: true,
    staffOnly: true,
    path: ({ instanceId }) => `/api/portal/instances/${instanceId}/reveal`,
  },
  { pattern: "/api/portal/callbacks", kind: "api", perTenant: false, path: () => "/api/portal/callbacks" },
  { pattern: "/api/portal/callbacks/[logId]", kind: "api", perTenant: true, path: ({ logId }) => `/api/portal/callbacks/${logId}` },
  // Re-running is for operators and owners: a tenant admin gets 403 for their own log too.
  {
    pattern: "/api/portal/callbacks/[logId]/retry",
    kind: "api",
    method: "POST",
    ok: [200, 409],
    perTenant: true,
    staffOnly: true,
    path: ({ logId }) => `/api/portal/callbacks/${logId}/retry`,
  },
  {
    pattern: "/api/portal/callbacks/retry",
    kind: "api",
    method: "POST",
    body: { dryRun: true, filter: {} },
    perTenant: false,
    staffOnly: true,
    path: () => "/api/portal/callbacks/retry",
  },
  { pattern: "/api/portal/dashboard", kind: "api", perTenant: false, path: () => "/api/portal/dashboard" },
  { pattern: "/api/portal/settings", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/settings" },
  { pattern: "/portal", kind: "page", perTenant: false, path: () => "/portal" },
  { pattern: "/portal/tenants", kind: "page", perTenant: false, path: () => "/portal/tenants" },
  // A tenant admin gets a staff-only notice here (200, no data; checked below).
  { pattern: "/portal/settings", kind: "page", perTenant: false, path: () => "/portal/settings" },
  { pattern: "/portal/tenants/[tenantRowId]", kind: "page", perTenant: true, path: ({ rowId }) => `/portal/tenants/${rowId}` },
  { pattern: "/portal/instances", kind: "page", perTenant: false, path: () => "/portal/instances" },
  { pattern: "/portal/instances/[instanceId]", kind: "page", perTenant: true, path: ({ instanceId }) => `/portal/instances/${instanceId}` },
  { pattern: "/portal/callbacks", kind: "page", perTenant: false, path: () => "/portal/callbacks" },
  { pattern: "/portal/callbacks/[logId]", kind: "page", perTenant: true, path: ({ logId }) => `/portal/callbacks/${logId}` },
];

const ROOT = path.resolve(import.meta.dirname, "..", "..");

function routeFiles(dir: string, file: string, prefix: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...routeFiles(p, file, e.name.startsWith("(") ? prefix : `${prefix}/${e.name}`));
    else if (e.name === file) out.push(prefix);
  }
  return out;
}

test("the table covers every portal API route and page", () => {
  const apis = routeFiles(path.join(ROOT, "app", "api", "portal"), "route.ts", "/api/portal");
  const pages = routeFiles(path.join(ROOT, "app", "(portal)"), "page.tsx", "");
  const covered = new Set(TARGETS.map((t) => t.pattern));
  for (const r of [...apis, ...pages]) expect(covered, `${r} needs a cross-tenant case`).toContain(r);
});

let a: TestTenant;
let b: TestTenant;
let portalOrigin: string;
const rows: Record<string, Ids> = {};

async function rowIdOf(page: Page, tenantId: string): Promise<string> {
  const list = await (await page.request.get(`/api/portal/tenants?q=${tenantId}`)).json();
  const id = list.items?.[0]?.id as string | undefined;
  if (!id) throw new Error(`tenant ${tenantId} not listed for staff`);
  return id;
}

/** A callback log row of the tenant (its Kit syncs carry its tenantId). */
async function logIdOf(page: Page, tenantId: string): Promise<string> {
  const list = await (await page.request.get(`/api/portal/callbacks?tenantId=${tenantId}&includeTest=1`)).json();
  const id = list.items?.[0]?.id as string | undefined;
  if (!id) throw new Error(`no callback of tenant ${tenantId} listed for staff`);
  return id;
}

async function newSignedIn(
  world: World,
  browserContext: () => Promise<BrowserContext>,
  as: { staff: true } | { tenant: TestTenant; userName: string },
): Promise<Page> {
  const context = await browserContext();
  const page = await context.newPage();
  if ("staff" in as) await signInAsStaff(page, world.owner.email, world.owner.password);
  else {
    await signInFromLoginPage(page, as.tenant.tenantCode, as.userName);
    // Admins land in the portal; a user on their application, or on /sso/continue when it is not usable (the staff test freezes it).
    await page.waitForURL(/\/(portal|app|sso\/continue)(\/|\?|$)/);
  }
  return page;
}

async function statusOf(page: Page, target: Target, ids: Ids): Promise<number> {
  // From the portal's origin, as its own pages send it: what is checked here is who may, not where from.
  if (target.kind === "api" && target.method === "POST")
    return (await page.request.post(target.path(ids), { data: target.body ?? {}, maxRedirects: 0, headers: { origin: portalOrigin } })).status();
  if (target.kind === "api") return (await page.request.get(target.path(ids), { maxRedirects: 0 })).status();
  const res = await page.goto(target.path(ids));
  return res?.status() ?? 0;
}

test.describe("cross-tenant access", () => {
  test.beforeAll(async ({ world, browser }) => {
    portalOrigin = world.portal.baseUrl;
    const admin = { name: "Admin", role: "admin" as const, orgCode: "100" };
    a = await createTenant(world, {
      users: [
        { ...admin, userName: "ann" },
        { userName: "al", name: "Al User", role: "user", orgCode: "110" },
      ],
    });
    b = await createTenant(world, { users: [{ ...admin, userName: "ben" }] });
    const context = await browser.newContext({ baseURL: world.portal.baseUrl });
    const staff = await context.newPage();
    await signInAsStaff(staff, world.owner.email, world.owner.password);
    rows.a = { rowId: await rowIdOf(staff, a.tenantId), instanceId: a.instanceId, logId: await logIdOf(staff, a.tenantId) };
    rows.b = { rowId: await rowIdOf(staff, b.tenantId), instanceId: b.instanceId, logId: await logIdOf(staff, b.tenantId) };
    await context.close();
  });

  test("tenant A's admin gets 404 or 403 for each of B's resources, and only A's in lists", async ({ world, browser }) => {
    const page = await newSignedIn(world, () => browser.newContext({ baseURL: world.portal.baseUrl }), { tenant: a, userName: "ann" });
    for (const t of TARGETS) {
      const own = await statusOf(page, t, rows.a!);
      expect(own, `${t.pattern} for A's own admin`).toBe(t.staffOnly ? 403 : 200);
      if (t.perTenant) expect([403, 404], `${t.pattern} with B's id`).toContain(await statusOf(page, t, rows.b!));
    }
    const list = await (await page.request.get("/api/portal/tenants?test=1&deleted=1")).json();
    expect(list.items.map((i: { tenantId: string }) => i.tenantId)).toEqual([a.tenantId]);
    const instances = await (await page.request.get("/api/portal/instances?test=1")).json();
    expect(instances.items.map((i: { id: string }) => i.id)).toEqual([a.instanceId]);
    const calls = await (await page.request.get("/api/portal/callbacks?includeTest=1&limit=200")).json();
    expect(calls.items.length).toBeGreaterThan(0);
    for (const c of calls.items as { tenantId: string | null; instanceId: string | null }[])
      expect(c.tenantId === a.tenantId || c.instanceId === a.instanceId, "only A's callbacks").toBe(true);
    // The dashboard is A's own: scoped, linking to A's tenant row.
    expect(await (await page.request.get("/api/portal/dashboard")).json()).toMatchObject({ scope: "tenant", tenantRowId: rows.a!.rowId });
    await page.goto("/portal/settings");
    await expect(page.getByText("Settings are for merchant staff.", { exact: false })).toBeVisible();
    // Writing is never open to a tenant admin either.
    expect(
      (
        await page.request.post("/api/portal/staff", {
          data: { email: "x@example.com", name: "x", role: "owner", password: "Aa1!aaaaaaaaaa" },
          headers: fromPortalPage(page),
        })
      ).status(),
    ).toBe(403);
    await page.context().close();
  });

  test("B's admin still gets B's resources; staff get both", async ({ world, browser }) => {
    const ben = await newSignedIn(world, () => browser.newContext({ baseURL: world.portal.baseUrl }), { tenant: b, userName: "ben" });
    for (const t of TARGETS.filter((t) => t.perTenant && !t.staffOnly)) expect(await statusOf(ben, t, rows.b!), t.pattern).toBe(200);
    await ben.context().close();
    const staff = await newSignedIn(world, () => browser.newContext({ baseURL: world.portal.baseUrl }), { staff: true });
    for (const t of TARGETS) {
      expect(t.ok ?? [200], `${t.pattern} A for staff`).toContain(await statusOf(staff, t, rows.a!));
      expect(t.ok ?? [200], `${t.pattern} B for staff`).toContain(await statusOf(staff, t, rows.b!));
    }
    await staff.context().close();
  });

  test("an ordinary user and a signed-out browser get no portal data", async ({ world, browser }) => {
    const al = await newSignedIn(world, () => browser.newContext({ baseURL: world.portal.baseUrl }), { tenant: a, userName: "al" });
    for (const t of TARGETS.filter((t) => t.kind === "api")) expect(await statusOf(al, t, rows.a!), `${t.pattern} for a user`).toBe(403);
    await al.context().close();
    const anonymous = await (await browser.newContext({ baseURL: world.portal.baseUrl })).newPage();
    for (const t of TARGETS.filter((t) => t.kind === "api")) expect(await statusOf(anonymous, t, rows.a!), `${t.pattern} signed out`).toBe(401);
    await anonymous.goto("/portal/tenants");
    await expect(anonymous).toHaveURL(/\/login\?callbackUrl=/);
    await anonymous.context().close();
  });
});
