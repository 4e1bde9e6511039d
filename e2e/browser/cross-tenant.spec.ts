// Tenant isolation for every portal API and page: tenant A's admin gets 404
// (or 403) for each of tenant B's resources while B's admin and staff get
// them; an ordinary user gets no portal data at all. The table below must name
// every route file under app/api/portal and every portal page, so a new route
// cannot ship without its cross-tenant case.
import { readdirSync } from "node:fs";
import path from "node:path";
import type { BrowserContext, Page } from "@playwright/test";
import { createTenant, expect, fromPortalPage, signInAsStaff, signInFromLoginPage, test, type TestTenant, type World } from "./fixtures";

/** Per tenant: its row, instance, a callback log row and an event; and the shared alert channel and webhook endpoint. */
type Ids = { rowId: string; instanceId: string; logId: string; eventId: string; channelId: string; endpointId: string };
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
  { pattern: "/api/portal/audit", kind: "api", perTenant: false, path: () => "/api/portal/audit" },
  { pattern: "/api/portal/audit/export.csv", kind: "api", perTenant: false, path: () => "/api/portal/audit/export.csv" },
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
  // Alerts and webhook endpoints are the merchant's own: staff only (a tenant admin gets 403 from the APIs, a notice on the pages).
  { pattern: "/api/portal/alerts", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/alerts" },
  { pattern: "/api/portal/alerts/rules", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/alerts/rules" },
  { pattern: "/api/portal/alerts/channels", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/alerts/channels" },
  {
    pattern: "/api/portal/alerts/channels/[channelId]",
    kind: "api",
    method: "PATCH",
    perTenant: false,
    staffOnly: true,
    path: ({ channelId }) => `/api/portal/alerts/channels/${channelId}`,
  },
  {
    pattern: "/api/portal/alerts/channels/[channelId]/test",
    kind: "api",
    method: "POST",
    perTenant: false,
    staffOnly: true,
    path: ({ channelId }) => `/api/portal/alerts/channels/${channelId}/test`,
  },
  { pattern: "/api/portal/webhooks", kind: "api", perTenant: false, staffOnly: true, path: () => "/api/portal/webhooks" },
  {
    pattern: "/api/portal/webhooks/[endpointId]",
    kind: "api",
    method: "PATCH",
    perTenant: false,
    staffOnly: true,
    path: ({ endpointId }) => `/api/portal/webhooks/${endpointId}`,
  },
  {
    pattern: "/api/portal/webhooks/[endpointId]/rotate",
    kind: "api",
    method: "POST",
    perTenant: false,
    staffOnly: true,
    path: ({ endpointId }) => `/api/portal/webhooks/${endpointId}/rotate`,
  },
  // Events: a tenant admin reads those about their enterprise and its instances; resending is for operators and owners.
  { pattern: "/api/portal/events", kind: "api", perTenant: false, path: () => "/api/portal/events?test=1" },
  { pattern: "/api/portal/events/[eventId]", kind: "api", perTenant: true, path: ({ eventId }) => `/api/portal/events/${eventId}` },
  {
    pattern: "/api/portal/events/[eventId]/resend",
    kind: "api",
    method: "POST",
    perTenant: true,
    staffOnly: true,
    path: ({ eventId }) => `/api/portal/events/${eventId}/resend`,
  },
  {
    pattern: "/api/portal/events/resend",
    kind: "api",
    method: "POST",
    body: { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z", dryRun: true },
    perTenant: false,
    staffOnly: true,
    path: () => "/api/portal/events/resend",
  },
  { pattern: "/portal/alerts", kind: "page", perTenant: false, path: () => "/portal/alerts" },
  { pattern: "/portal/alerts/channels", kind: "page", perTenant: false, path: () => "/portal/alerts/channels" },
  { pattern: "/portal/alerts/rules", kind: "page", perTenant: false, path: () => "/portal/alerts/rules" },
  { pattern: "/portal/events", kind: "page", perTenant: false, path: () => "/portal/events" },
  { pattern: "/portal/audit", kind: "page", perTenant: false, path: () => "/portal/audit" },
  { pattern: "/portal/events/[eventId]", kind: "page", perTenant: true, path: ({ eventId }) => `/portal/events/${eventId}` },
  { pattern: "/portal/webhooks", kind: "page", perTenant: false, path: () => "/portal/webhooks" },
  // A tenant admin gets an owners-only notice here (200, no data).
  { pattern: "/portal/staff", kind: "page", perTenant: false, path: () => "/portal/staff" },
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

/** An event about the tenant (its Kit syncs write tenant.synced and the like). */
async function eventIdOf(page: Page, tenantId: string): Promise<string> {
  const list = await (await page.request.get(`/api/portal/events?subjectId=${tenantId}&test=1`)).json();
  const id = list.items?.[0]?.id as string | undefined;
  if (!id) throw new Error(`no event about tenant ${tenantId} listed for staff`);
  return id;
}

/** One alert channel and one webhook endpoint, shared by both tenants' cases (neither belongs to a tenant). Port 9 refuses at once. */
async function sharedIds(page: Page): Promise<{ channelId: string; endpointId: string }> {
  const headers = fromPortalPage(page);
  const channel = await page.request.post("/api/portal/alerts/channels", {
    data: { name: "Cross-tenant channel", kind: "WEBHOOK", config: { url: "http://127.0.0.1:9/alerts" } },
    headers,
  });
  const endpoint = await page.request.post("/api/portal/webhooks", {
    data: { name: "Cross-tenant endpoint", url: "http://127.0.0.1:9/events" },
    headers,
  });
  expect(channel.status()).toBe(201);
  expect(endpoint.status()).toBe(201);
  return { channelId: (await channel.json()).channel.id as string, endpointId: (await endpoint.json()).endpoint.id as string };
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
  if (target.kind === "api" && (target.method === "POST" || target.method === "PATCH"))
    return (
      await page.request.fetch(target.path(ids), { method: target.method, data: target.body ?? {}, maxRedirects: 0, headers: { origin: portalOrigin } })
    ).status();
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
    const shared = await sharedIds(staff);
    for (const [key, t] of [
      ["a", a],
      ["b", b],
    ] as const) {
      rows[key] = {
        rowId: await rowIdOf(staff, t.tenantId),
        instanceId: t.instanceId,
        logId: await logIdOf(staff, t.tenantId),
        eventId: await eventIdOf(staff, t.tenantId),
        ...shared,
      };
    }
    await context.close();
  });

  test.afterAll(async ({ world, browser }) => {
    // The shared channel and endpoint go: later tests in this worker's portal should not send to them.
    const staff = await newSignedIn(world, () => browser.newContext({ baseURL: world.portal.baseUrl }), { staff: true });
    const headers = { ...fromPortalPage(staff), "content-type": "application/json" };
    expect((await staff.request.delete(`/api/portal/alerts/channels/${rows.a!.channelId}`, { headers })).status()).toBe(200);
    expect((await staff.request.delete(`/api/portal/webhooks/${rows.a!.endpointId}`, { headers })).status()).toBe(200);
    await staff.context().close();
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
    // The audit trail: A's users' sign-ins (ann's own among them) and what was done to A's instance, nothing of B's.
    const audit = await (await page.request.get("/api/portal/audit?limit=200")).json();
    expect(audit.items.some((e: { action: string; actor: string }) => e.action === "sign-in" && e.actor === "buyer:ann")).toBe(true);
    for (const e of audit.items as { tenantId: string | null; instanceId: string | null }[])
      expect(e.tenantId === a.tenantId || e.instanceId === a.instanceId, "only A's audit entries").toBe(true);
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
