// The staff page, walked in Chromium as the only owner of a portal of its
// own: add an operator (the generated password, shown once, signs them in),
// change the role, reset the password (the old one stops working), disable
// the account, and be refused when demoting the last owner.
import { randomBytes } from "node:crypto";
import type { Browser, Page } from "@playwright/test";
import { startPortal, type Portal } from "../fixtures/portal";
import { expect, expectAccessible, signInAsStaff, test } from "./fixtures";

let portal: Portal;
const owner = { email: `owner-${randomBytes(3).toString("hex")}@example.com`, password: `Owner-${randomBytes(12).toString("base64url")}` };

test.beforeAll(async () => {
  portal = await startPortal({ PORTAL_OWNER_EMAIL: owner.email, PORTAL_OWNER_PASSWORD: owner.password });
});
test.afterAll(async () => {
  await portal?.close();
});

async function signedIn(browser: Browser, email: string, password: string): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: portal.baseUrl })).newPage();
  await signInAsStaff(page, email, password);
  return page;
}

/** Whether the password signs in (a fresh browser each time). */
async function canSignIn(browser: Browser, email: string, password: string): Promise<boolean> {
  const page = await (await browser.newContext({ baseURL: portal.baseUrl })).newPage();
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  const ok = await page
    .waitForURL(/\/portal$/, { timeout: 5_000 })
    .then(() => true)
    .catch(() => false);
  await page.context().close();
  return ok;
}

test("owner: add an operator, change the role, reset the password, disable; the last owner stays", async ({ browser }) => {
  const page = await signedIn(browser, owner.email, owner.password);
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Staff" }).click();
  await expect(page.getByRole("heading", { name: "Staff accounts", level: 1 })).toBeVisible();

  const email = `olivia-${randomBytes(3).toString("hex")}@example.com`;
  await page.getByLabel("Name").fill("Olivia Operator");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("operator");
  await page.getByRole("button", { name: "Add account" }).click();
  const first = (await page.getByLabel("Generated password").textContent())?.trim() ?? "";
  expect(first.length).toBeGreaterThanOrEqual(12);
  await page.getByRole("button", { name: "I have passed it on" }).click();
  await expect(page.getByText(first)).toHaveCount(0);
  const row = page.getByRole("row").filter({ hasText: email });
  await expect(row.getByLabel("Role of Olivia Operator")).toHaveValue("operator");
  await expect(row.getByText("never")).toBeVisible();
  await expectAccessible(page, "staff");
  expect(await canSignIn(browser, email, first)).toBe(true);
  await page.reload();
  await expect(row.getByText(/ago|now/)).toBeVisible();

  await row.getByLabel("Role of Olivia Operator").selectOption("viewer");
  await page.reload();
  await expect(row.getByLabel("Role of Olivia Operator")).toHaveValue("viewer");

  await row.getByRole("button", { name: "Reset password" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Reset", exact: true }).click();
  const second = (await page.getByLabel("Generated password").textContent())?.trim() ?? "";
  expect(second).not.toBe(first);
  expect(await canSignIn(browser, email, first)).toBe(false);
  expect(await canSignIn(browser, email, second)).toBe(true);

  await row.getByRole("button", { name: "Disable" }).click();
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();
  expect(await canSignIn(browser, email, second)).toBe(false);

  // The only owner cannot demote themselves: the server refuses and the page says why.
  const self = page.getByRole("row").filter({ hasText: owner.email });
  await self.getByLabel(/^Role of/).selectOption("operator");
  await expect(self.getByRole("alert")).toContainText("last active owner");
  await page.reload();
  await expect(self.getByLabel(/^Role of/)).toHaveValue("owner");

  // The audit trail has every change, by the owner, newest first; the refused demotion changed nothing and is not there.
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Audit" }).click();
  await expect(page.getByRole("heading", { name: "Audit trail", level: 1 })).toBeVisible();
  await page.getByLabel("Kind").selectOption("staff");
  const entries = page.getByRole("row").filter({ hasText: email });
  await expect(entries).toHaveCount(4);
  const actions = await entries.evaluateAll((rows) => rows.map((r) => r.querySelectorAll("td")[2]?.textContent?.trim()));
  expect(actions).toEqual(["Staff account disabled", "Staff password reset", "Staff role changed", "Staff account added"]);
  for (const who of await entries.evaluateAll((rows) => rows.map((r) => r.querySelectorAll("td")[1]?.textContent ?? ""))) expect(who).toContain(owner.email);
  await expect(entries.filter({ hasText: "role=VIEWER" })).toHaveCount(1);
  // Sign-ins, refusals included: the wrong password tried for Olivia above.
  await page.getByLabel("Kind").selectOption("signIn");
  await page.getByLabel("Outcome").selectOption("refused");
  await expect(page.getByRole("row").filter({ hasText: email }).first()).toContainText("Refused");
  await expectAccessible(page, "audit");
  const csv = await page.request.get("/api/portal/audit/export.csv?group=staff");
  expect(csv.headers()["content-type"]).toContain("text/csv");
  expect((await csv.text()).split("\r\n").filter((l) => l.includes(email))).toHaveLength(4);
  await page.context().close();
});
