// Signing in, in Chromium, through the mock KooGallery identity provider:
// both entries (our login page; KooGallery's unified login), tenant admins and
// users, staff of each role, and every refusal with a clear page.
import {
  changeGrant,
  createStaff,
  createTenant,
  expect,
  forgetSession,
  signInAsStaff,
  signInAtIdp,
  signInFromKooGallery,
  signInFromLoginPage,
  test,
  type TestTenant,
} from "./fixtures";
import { startMockIdp } from "../../testing/mock-idp/mock-idp";

const people = [
  { userName: "alice", name: "Alice Admin", role: "admin" as const, orgCode: "100" },
  { userName: "bob", name: "Bob User", role: "user" as const, orgCode: "111" },
  { userName: "rita", name: "Rita Revoked", role: "user" as const, orgCode: "110" },
  { userName: "dan", name: "Dan Disabled", role: "user" as const, orgCode: "110" },
  { userName: "mallory", name: "Mallory Elsewhere", role: "user" as const, orgCode: "110" },
];

let acme: TestTenant;

test.beforeAll(async ({ world }) => {
  // mallory can sign in at Acme's identity provider, but only another enterprise granted her the application.
  const [alice, bob, rita, dan, mallory] = people;
  acme = await createTenant(world, { users: [alice!, bob!, rita!, dan!], idpOnlyUsers: [mallory!] });
  await createTenant(world, { users: [mallory!] });
});

test("staff sign in with each role and get what the role allows", async ({ page, world }) => {
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.goto("/portal/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText(`${world.portal.baseUrl}/api/koogallery/saas`).first()).toBeVisible();
  const operator = await createStaff(page, "operator");
  const viewer = await createStaff(page, "viewer");
  expect((await (await page.request.get("/api/portal/me")).json()).role).toBe("owner");

  for (const [account, role] of [
    [operator, "operator"],
    [viewer, "viewer"],
  ] as const) {
    await forgetSession(page);
    await signInAsStaff(page, account.email, account.password);
    const me = await (await page.request.get("/api/portal/me")).json();
    expect(me.role).toBe(role);
    expect(me.can.operate).toBe(role === "operator");
    // Only owners manage staff.
    expect((await page.request.get("/api/portal/staff")).status()).toBe(403);
    await page.goto("/portal/tenants");
    await expect(page.getByRole("heading", { name: "Tenants" })).toBeVisible();
  }
});

test("a wrong staff password is refused, and repeated failures are rate-limited", async ({ page, world }) => {
  await page.goto("/login");
  const target = `${world.owner.email.replace("@", "+limit@")}`;
  for (let i = 0; i < 5; i++) {
    await page.getByLabel("Email").fill(target);
    await page.getByLabel("Password").fill(`wrong-password-${i}`);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(page.getByRole("region", { name: "Merchant staff" }).getByRole("alert")).toHaveText("Wrong email or password.");
  }
  await page.getByLabel("Password").fill("wrong-again");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("region", { name: "Merchant staff" }).getByRole("alert")).toContainText("Too many failed attempts");
});

test("tenant admin from our login page lands on their dashboard, with state and PKCE", async ({ page, world }) => {
  await signInFromLoginPage(page, acme.tenantCode, "alice");
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByRole("link", { name: "Your tenant" }).click();
  await expect(page).toHaveURL(/\/portal\/tenants\/[0-9a-f-]+$/);
  await expect(page.getByRole("heading", { name: acme.name })).toBeVisible();
  const exchange = world.idp.tokenRequests.filter((r) => r.tenantId === acme.tenantId && r.grantType === "authorization_code").at(-1);
  expect(exchange).toMatchObject({ ok: true, hadSecret: true, hadVerifier: true, clientId: acme.clientId });
  const me = await (await page.request.get("/api/portal/me")).json();
  expect(me).toMatchObject({ kind: "buyer", role: "admin", userName: "alice", tenantId: acme.tenantId });
});

test("a user entering from KooGallery is handed to the application with a verifiable token", async ({ page, world }) => {
  await signInFromKooGallery(page, world, acme, "bob");
  await expect(page).toHaveURL(new RegExp(`/app/${acme.instanceId}\\?kg_token=`));
  await expect(page.getByText(/Signed in as Bob User \(bob\), role user/)).toBeVisible();
  // An ordinary user sees no portal data.
  expect((await page.request.get("/api/portal/me")).status()).toBe(403);
  expect((await page.request.get("/api/portal/tenants")).status()).toBe(403);
  await page.goto("/portal");
  await expect(page.getByRole("heading", { name: "The portal is for administrators" })).toBeVisible();
});

test("a tenant admin entering from KooGallery gets their dashboard, not the settings", async ({ page, world }) => {
  await signInFromKooGallery(page, world, acme, "alice");
  await expect(page).toHaveURL(/\/portal$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Your tenant" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Settings" })).toHaveCount(0);
  await page.goto("/portal/settings");
  await expect(page.getByText("Settings are for merchant staff.", { exact: false })).toBeVisible();
  await expect(page.getByText("/api/koogallery/saas")).toHaveCount(0);
});

test("revoked and disabled users are refused with a page that says why", async ({ page, world }) => {
  await changeGrant(world, acme, people[2]!, "revoke");
  await changeGrant(world, acme, people[3]!, "disable");
  await signInFromLoginPage(page, acme.tenantCode, "rita");
  await expect(page.getByRole("heading", { name: "Your access was withdrawn" })).toBeVisible();
  await forgetSession(page);
  await signInFromKooGallery(page, world, acme, "dan");
  await expect(page.getByRole("heading", { name: "Your account is disabled for this application" })).toBeVisible();
});

test("a wrong tenant is refused: an unknown code, and an account granted only in another enterprise", async ({ page }) => {
  await page.goto("/login");
  await page.getByLabel("Tenant code").fill("no-such-tenant");
  await page.getByRole("button", { name: "Continue with KooGallery" }).click();
  await expect(page.getByRole("heading", { name: "We do not know this organisation" })).toBeVisible();

  await forgetSession(page);
  await signInFromLoginPage(page, acme.tenantCode, "mallory");
  await expect(page.getByRole("heading", { name: "Your account has not been given access" })).toBeVisible();
});

test("an expired code is refused", async ({ page, world }) => {
  world.idp.setCodeTtlMs(1);
  try {
    await signInFromLoginPage(page, acme.tenantCode, "alice");
    await expect(page.getByRole("heading", { name: "The sign-in code expired" })).toBeVisible();
  } finally {
    world.idp.setCodeTtlMs(60_000);
  }
});

test("a replayed code and a tampered state are refused", async ({ page }) => {
  let callbackUrl = "";
  page.on("request", (r) => {
    if (r.url().includes("/api/auth/callback/koogallery?") && r.url().includes("state=")) callbackUrl = r.url();
  });
  await signInFromLoginPage(page, acme.tenantCode, "alice");
  await expect(page).toHaveURL(/\/portal$/);
  expect(callbackUrl).not.toBe("");

  // Replay: the same callback again, after signing out.
  await forgetSession(page);
  await page.goto(callbackUrl);
  await expect(page.getByRole("heading", { name: /could not be matched to your browser|This sign-in link cannot be used/ })).toBeVisible();

  // Tamper: a fresh sign-in whose state is changed on the way back.
  await forgetSession(page);
  // The identity provider's redirect back to us is rewritten on its way (Playwright cannot route a redirected request itself).
  await page.route(
    (url) => url.pathname.endsWith("/api/v1/oauth2/authorize"),
    async (route) => {
      const response = await route.fetch({ maxRedirects: 0 });
      const location = response.headers()["location"];
      if (!location?.includes("state=")) return route.fulfill({ response });
      const tampered = new URL(location);
      tampered.searchParams.set("state", `${tampered.searchParams.get("state")}x`);
      await route.fulfill({ response, headers: { ...response.headers(), location: tampered.toString() } });
    },
  );
  await signInFromLoginPage(page, acme.tenantCode, "alice");
  await expect(page.getByRole("heading", { name: "This sign-in could not be matched to your browser" })).toBeVisible();
  expect((await page.request.get("/api/portal/me")).status()).toBe(401);
});

test("sign-out ends the session and offers KooGallery's logout", async ({ page }) => {
  await signInFromLoginPage(page, acme.tenantCode, "alice");
  await expect(page).toHaveURL(/\/portal$/);
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out of the portal" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  expect((await page.request.get("/api/portal/me")).status()).toBe(401);
  await page.getByRole("link", { name: "Also sign out of KooGallery" }).click();
  await expect(page).toHaveURL(/\/login$/);
  // KooGallery's session is gone too: the next sign-in asks for the account again.
  await page.getByLabel("Tenant code").fill(acme.tenantCode);
  await page.getByRole("button", { name: "Continue with KooGallery" }).click();
  await signInAtIdp(page, "alice");
  await expect(page).toHaveURL(/\/portal$/);
});

test("the access token is refreshed through the refresh grant", async ({ page, world }) => {
  const shortLived = await startMockIdp({ port: 0, accessTokenTtlSec: 61 });
  try {
    const t = await createTenant(world, { users: [people[0]!], idp: shortLived });
    await signInFromLoginPage(page, t.tenantCode, "alice");
    await expect(page).toHaveURL(/\/portal$/);
    await page.waitForTimeout(1500);
    const session = await (await page.request.get("/api/auth/session")).json();
    expect(session.user).toMatchObject({ kind: "buyer", userName: "alice" });
    expect(session.error).toBeUndefined();
    expect(shortLived.tokenRequests.filter((r) => r.grantType === "refresh_token" && r.ok).length).toBeGreaterThan(0);
    expect((await page.request.get("/api/portal/me")).status()).toBe(200);
  } finally {
    await shortLived.close();
  }
});
