// The same sign-ins when the app credential uses CAS 3.0 (KOOGALLERY_SSO_METHOD=cas).
import { changeGrant, createTenant, expect, forgetSession, signInFromKooGallery, signInFromLoginPage, test, type TestTenant } from "./fixtures";

test.use({ ssoMethod: "cas" });

let acme: TestTenant;
const people = [
  { userName: "cora", name: "Cora Admin", role: "admin" as const, orgCode: "100" },
  { userName: "cole", name: "Cole User", role: "user" as const, orgCode: "110" },
  { userName: "rex", name: "Rex Revoked", role: "user" as const, orgCode: "110" },
];

test.beforeAll(async ({ world }) => {
  acme = await createTenant(world, { users: people });
});

test("a tenant admin signs in through CAS from our login page", async ({ page }) => {
  await signInFromLoginPage(page, acme.tenantCode, "cora");
  await expect(page).toHaveURL(/\/portal$/);
  // The portal's session poll goes through next-auth's jwt callback; a CAS session has no token to refresh and must survive it.
  const session = (await (await page.request.get("/api/auth/session")).json()) as { user?: unknown; error?: string };
  expect(session.error).toBeUndefined();
  expect(session.user).toMatchObject({ kind: "buyer", userName: "cora" });
  expect(await (await page.request.get("/api/portal/me")).json()).toMatchObject({ kind: "buyer", role: "admin", userName: "cora" });
});

test("signing out of a CAS session is recorded as a CAS sign-out", async ({ page, world }) => {
  await signInFromLoginPage(page, acme.tenantCode, "cora");
  await expect(page).toHaveURL(/\/portal$/);
  await page.getByRole("link", { name: "Sign out" }).click();
  await page.getByRole("button", { name: "Sign out of the portal" }).click();
  await expect(page.getByRole("heading", { name: "You are signed out" })).toBeVisible();
  const [last] = await world.portal.query<{ method: string }>(
    `SELECT detail->>'method' AS method FROM "AuditEntry"
      WHERE action = 'sign-out' AND actor = 'buyer:cora' AND "tenantId" = $1 ORDER BY "createdAt" DESC LIMIT 1`,
    [acme.tenantId],
  );
  expect(last?.method).toBe("koogallery-cas");
});

test("a user entering from KooGallery through CAS is handed to the application", async ({ page, world }) => {
  await signInFromKooGallery(page, world, acme, "cole", "cas");
  await expect(page).toHaveURL(new RegExp(`/app/${acme.instanceId}\\?kg_token=`));
  await expect(page.getByText(/Signed in as Cole User \(cole\)/)).toBeVisible();
});

test("a revoked user and a replayed ticket are refused", async ({ page, world }) => {
  await changeGrant(world, acme, people[2]!, "revoke");
  await signInFromLoginPage(page, acme.tenantCode, "rex");
  await expect(page.getByRole("heading", { name: "Your access was withdrawn" })).toBeVisible();

  await forgetSession(page);
  let ticketUrl = "";
  page.on("request", (r) => {
    if (r.url().includes("/api/sso/cas?") && r.url().includes("ticket=") && r.url().includes("n=")) ticketUrl = r.url();
  });
  await signInFromLoginPage(page, acme.tenantCode, "cora");
  await expect(page).toHaveURL(/\/portal$/);
  await forgetSession(page);
  await page.goto(ticketUrl);
  await expect(page.getByRole("heading", { name: "This sign-in link cannot be used" })).toBeVisible();
});
