// A worker's world: one portal (own database, own keys, RSA key for Kit
// client secrets, a first owner from the environment) and one mock KooGallery
// identity provider. Tests mint their own tenants through signed calls, as
// KooGallery would send them, so no test shares rows with another.
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test as base, type Page } from "@playwright/test";
import { encryptClientSecret } from "../../lib/koogallery/rsa-oaep";
import { buildKitV2Request, sendSignedRequest } from "../../lib/koogallery/signer";
import type { KitName } from "../../lib/koogallery/schemas";
import { startMockIdp, type MockIdp } from "../../testing/mock-idp/mock-idp";
import type { MockIdpUser } from "../../testing/mock-idp/tenants";
import { callV2, newOrder } from "../fixtures/koogallery";
import { startPortal, type Portal } from "../fixtures/portal";

export type RunningIdp = MockIdp & { origin: string; close(): Promise<void> };
export type World = { portal: Portal; idp: RunningIdp; publicKeyPem: string; owner: { email: string; password: string } };

export type TestUser = Omit<MockIdpUser, "role"> & { role: "admin" | "user"; enable?: boolean };
export type TestTenant = { tenantId: string; tenantCode: string; name: string; instanceId: string; clientId: string; users: TestUser[]; idp: RunningIdp };

type WorkerOptions = { ssoMethod: "oauth" | "cas" };

export const test = base.extend<{ world: World }, WorkerOptions & { workerWorld: World }>({
  ssoMethod: ["oauth", { scope: "worker", option: true }],
  workerWorld: [
    async ({ ssoMethod }, provide) => {
      const dir = mkdtempSync(path.join(tmpdir(), "kg-browser-"));
      const { privateKey, publicKey } = generateKeyPairSync("rsa", {
        modulusLength: 3072,
        privateKeyEncoding: { type: "pkcs8", format: "pem" },
        publicKeyEncoding: { type: "spki", format: "pem" },
      });
      writeFileSync(path.join(dir, "rsa.pem"), privateKey, { mode: 0o600 });
      const owner = { email: `owner-${randomBytes(3).toString("hex")}@example.com`, password: `Owner-${randomBytes(12).toString("base64url")}` };
      const idp = await startMockIdp({ port: 0 });
      const portal = await startPortal({
        KOOGALLERY_RSA_PRIVATE_KEY_FILE: path.join(dir, "rsa.pem"),
        PORTAL_OWNER_EMAIL: owner.email,
        PORTAL_OWNER_PASSWORD: owner.password,
        KOOGALLERY_SSO_METHOD: ssoMethod,
        // Alert rules checked every second, so a test sees an alert without waiting a minute.
        ALERTS_EVERY_MS: "1000",
      });
      await provide({ portal, idp, publicKeyPem: publicKey, owner });
      await portal.close();
      await idp.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: "worker", timeout: 240_000 },
  ],
  world: async ({ workerWorld }, provide) => provide(workerWorld),
  // The pages must work under their Content-Security-Policy (next.config.mjs):
  // Chromium reports each thing it blocked on the console, and that fails the test.
  // A blocked frame-ancestors is the policy keeping us out of someone else's frame, not a page breaking.
  page: async ({ page }, provide) => {
    const violations: string[] = [];
    page.on("console", (message) => {
      const text = message.text();
      if (/Content Security Policy/i.test(text) && !/frame-ancestors/.test(text)) violations.push(`${page.url()}: ${text}`);
    });
    await provide(page);
    expect(violations, "Content-Security-Policy violations").toEqual([]);
  },
  baseURL: async ({ workerWorld }, provide) => provide(workerWorld.portal.baseUrl),
});

export { expect };

async function kit(world: World, kitName: KitName, body: Record<string, unknown>): Promise<void> {
  const res = await sendSignedRequest(
    buildKitV2Request({
      baseUrl: world.portal.saasUrl,
      kitName,
      accessKey: world.portal.keys.kitAccessKey,
      body: { testFlag: 0, timeStamp: "20261125120000000", ...body },
    }),
  );
  const code = (JSON.parse(res.bodyText) as { resultCode?: string }).resultCode;
  if (code !== "000000") throw new Error(`${kitName} answered ${res.bodyText}`);
}

/** A new buyer enterprise: an instance, then tenantSync, applicationSync, allOrgSync and authSync, and the same people at the identity provider. */
export async function createTenant(world: World, opts: { code?: string; users: TestUser[]; idp?: RunningIdp; idpOnlyUsers?: TestUser[] }): Promise<TestTenant> {
  const idp = opts.idp ?? world.idp;
  const suffix = randomBytes(4).toString("hex");
  const tenantId = `t${randomUUID().replace(/-/g, "")}`;
  const tenantCode = opts.code ?? `acme-${suffix}`;
  const name = `Acme ${suffix}`;
  const clientId = `client-${suffix}`;
  const clientSecret = `secret-${randomBytes(16).toString("hex")}`;
  const order = newOrder("CSE2E");
  const created = await callV2(world.portal, { activity: "newInstance", ...order, testFlag: "0" });
  if (created.json.resultCode !== "000000") throw new Error(`newInstance answered ${created.bodyText}`);
  const instanceId = String(created.json.instanceId);
  const base = { instanceId, tenantId };
  await kit(world, "tenantSync", { ...base, orderId: order.orderId, tenantCode, name, domainName: idp.tenantBaseUrl(idp.origin, tenantId), flag: 1 });
  await kit(world, "applicationSync", {
    ...base,
    appId: `app-${suffix}`,
    clientId,
    clientSecret: encryptClientSecret(clientSecret, world.publicKeyPem, "sha256-mgf1sha1"),
    flag: 1,
  });
  await kit(world, "allOrgSync", {
    ...base,
    orgInfoList: [
      { orgCode: "100", orgName: "Head office", parentCode: "" },
      { orgCode: "110", orgName: "Engineering", parentCode: "100" },
      { orgCode: "111", orgName: "Platform", parentCode: "110" },
    ],
  });
  await kit(world, "authSync", {
    ...base,
    appId: `app-${suffix}`,
    currentSyncTime: "20261125120000000",
    flag: 1,
    userList: opts.users.map((u) => ({ userName: u.userName, name: u.name, orgCode: u.orgCode, role: u.role, enable: u.enable === false ? "false" : "true" })),
  });
  idp.upsertTenant({
    tenantId,
    clientId,
    clientSecret,
    projectName: name,
    users: [...opts.users, ...(opts.idpOnlyUsers ?? [])].map(({ enable: _enable, ...u }) => u),
  });
  return { tenantId, tenantCode, name, instanceId, clientId, users: opts.users, idp };
}

/** authSync for one user of a tenant: flag 3 revokes, flag 2 with enable=false disables. */
export async function changeGrant(world: World, t: TestTenant, user: TestUser, change: "revoke" | "disable"): Promise<void> {
  await kit(world, "authSync", {
    instanceId: t.instanceId,
    tenantId: t.tenantId,
    appId: `app-${t.clientId.slice("client-".length)}`,
    currentSyncTime: "20261125120500000",
    flag: change === "revoke" ? 3 : 2,
    userList: [{ userName: user.userName, name: user.name, orgCode: user.orgCode, role: user.role, enable: change === "disable" ? "false" : "true" }],
  });
}

/**
 * Signs the browser out by forgetting its cookies. The page is left first: a
 * portal page's session poll still in flight would otherwise set the session
 * cookie again after it was cleared.
 */
export async function forgetSession(page: Page): Promise<void> {
  await page.goto("about:blank");
  await page.context().clearCookies();
}

export async function signInAsStaff(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/portal$/);
}

/** At the mock KooGallery sign-in form. */
export async function signInAtIdp(page: Page, userName: string): Promise<void> {
  await expect(page.getByRole("heading", { name: /KooGallery mock sign-in/i })).toBeVisible();
  await page.getByRole("textbox", { name: "Account" }).fill(userName);
  await page.getByLabel("Password").fill("any-password");
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** From our login page: tenant code, then the tenant's KooGallery sign-in. */
export async function signInFromLoginPage(page: Page, tenantCode: string, userName: string): Promise<void> {
  await page.goto("/login");
  await page.getByLabel("Tenant code").fill(tenantCode);
  await page.getByRole("button", { name: "Continue with KooGallery" }).click();
  await signInAtIdp(page, userName);
}

/** As KooGallery's unified login page does it: sign in there, then it sends the browser to our app login address with ?code&tenant. */
export async function signInFromKooGallery(page: Page, world: World, t: TestTenant, userName: string, method: "oauth" | "cas" = "oauth"): Promise<void> {
  const appLogin = method === "oauth" ? `${world.portal.baseUrl}/api/auth/callback/koogallery` : `${world.portal.baseUrl}/api/sso/cas`;
  await page.goto(`${t.idp.tenantBaseUrl(t.idp.origin, t.tenantId)}/unified-login?${new URLSearchParams({ app_login_url: appLogin, method })}`);
  await signInAtIdp(page, userName);
}

/**
 * Headers a browser puts on a fetch from one of the portal's pages. Playwright's
 * API requests send no Origin, and the portal's APIs refuse a change without
 * one (lib/portal/portal-route.ts).
 */
export function fromPortalPage(page: Page): { origin: string } {
  return { origin: new URL(page.url()).origin };
}

/** Creates a staff account through the owner-only API, as the owner signed in on this page. */
export async function createStaff(page: Page, role: "operator" | "viewer" | "owner"): Promise<{ email: string; password: string }> {
  const account = { email: `${role}-${randomBytes(3).toString("hex")}@example.com`, password: `Pw-${randomBytes(12).toString("base64url")}` };
  const res = await page.request.post("/api/portal/staff", { data: { ...account, name: `Test ${role}`, role }, headers: fromPortalPage(page) });
  expect(res.status(), await res.text()).toBe(201);
  return account;
}

/** No serious or critical axe violations (WCAG 2.1 A and AA) on the page as it settled. */
export async function expectAccessible(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`),
    `axe on ${name}`,
  ).toEqual([]);
}
