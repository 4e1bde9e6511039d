// The portal walked in Chromium as staff and as a tenant admin, on data that
// arrived through signed KooGallery callbacks: find an instance by order, open
// its timeline, retry a failed callback and see it succeed, expand the org
// tree, export CSV. Each main page is checked with axe (no serious or
// critical violations) and saved as a screenshot under e2e/output/screenshots.
import { readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Page } from "@playwright/test";
import { callV2, newOrder } from "../fixtures/koogallery";
import { createTenant, expect, expectAccessible, signInAsStaff, signInFromLoginPage, test, type TestTenant } from "./fixtures";

const SHOTS = path.resolve(import.meta.dirname, "..", "output", "screenshots");

async function checkPage(page: Page, name: string): Promise<void> {
  await page.waitForLoadState("networkidle");
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  await expectAccessible(page, name);
}

let acme: TestTenant;
let lateInstanceId: string;
let lateOrderId: string;

test.beforeAll(async ({ world }) => {
  acme = await createTenant(world, {
    users: [
      { userName: "ada", name: "Ada Admin", role: "admin", orgCode: "100" },
      { userName: "eve", name: "Eve Engineer", role: "user", orgCode: "111" },
    ],
  });
  // A freeze that arrives before its purchase fails (000003, unknown instance)…
  lateInstanceId = `late-${randomUUID()}`;
  const early = await callV2(world.portal, { activity: "updateInstanceStatus", instanceId: lateInstanceId, status: "FREEZE" });
  expect(early.json.resultCode).toBe("000003");
  // …then the purchase arrives, so a retry of the freeze succeeds.
  const order = { ...newOrder("CSLATE"), businessId: lateInstanceId };
  lateOrderId = order.orderId;
  expect((await callV2(world.portal, { activity: "newInstance", ...order, customerName: "Late Buyer Ltd", testFlag: "0" })).json.resultCode).toBe("000000");
});

test("staff: dashboard, find an instance by order, timeline, CSV export, settings", async ({ page, world }) => {
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await checkPage(page, "staff-dashboard");

  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Instances" }).click();
  // A filter that matches nothing says so (the first-run text, where instances come from, is for an empty portal).
  await page.getByLabel("Search instances").fill("CS-NO-SUCH-ORDER");
  await expect(page.getByText("No instances match.")).toBeVisible();
  await page.getByLabel("Search instances").fill(lateOrderId);
  const link = page.getByRole("link", { name: lateInstanceId });
  await expect(link).toBeVisible();
  await checkPage(page, "staff-instances");

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const csv = readFileSync((await (await downloadPromise).path())!, "utf8");
  // Headers in the viewer's language, times in their zone, and the same times in UTC for programs.
  expect(csv.split("\n")[0]).toContain("Instance ID");
  expect(csv.split("\n")[0]).toContain("Created (UTC, ISO 8601)");
  expect(csv).toContain(lateOrderId);
  expect(csv).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z\r?\n/);
  expect(csv.trim().split("\n")).toHaveLength(2);

  // The created dates are whole days in the viewer's zone: 25 Nov in Asia/Shanghai starts at 16:00 UTC the day before.
  await page.context().addCookies([{ name: "PORTAL_TZ", value: "Asia/Shanghai", url: world.portal.baseUrl }]);
  await page.reload();
  await page.getByLabel("Created from").fill("2026-11-25");
  await page.getByLabel("Created to").fill("2026-11-25");
  const exportHref = new URL((await page.getByRole("link", { name: "Export CSV" }).getAttribute("href"))!, world.portal.baseUrl);
  expect(exportHref.searchParams.get("from")).toBe("2026-11-24T16:00:00.000Z");
  expect(exportHref.searchParams.get("to")).toBe("2026-11-25T15:59:59.999Z");
  await expect(page.getByText("whole days in your time zone (Asia/Shanghai)")).toBeVisible();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await page.getByLabel("Search instances").fill(lateOrderId);

  await link.click();
  await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  await expect(
    page
      .getByRole("region", { name: "Timeline" })
      .getByText(/newInstance/)
      .first(),
  ).toBeVisible();
  await checkPage(page, "staff-instance-detail");

  await page.goto("/portal/settings");
  await expect(page.getByRole("heading", { name: "Settings" })).toBeVisible();
  await expect(page.getByText(`${world.portal.baseUrl}/api/koogallery/saas`).first()).toBeVisible();
  await checkPage(page, "staff-settings");
});

test("staff: a failed callback is retried and succeeds", async ({ page, world }) => {
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await page.goto("/portal/callbacks");
  await page.getByLabel("Order, instance or tenant").fill(lateInstanceId);
  const failed = page.getByRole("row").filter({ hasText: "000003" });
  await expect(failed).toHaveCount(1);
  await checkPage(page, "staff-callbacks");
  await failed.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Signature check" })).toBeVisible();
  await checkPage(page, "staff-callback-detail");
  await page.getByRole("button", { name: "Retry", exact: true }).click();
  await page.getByRole("button", { name: "Re-run now" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Re-run answered" })).toContainText("000000");
  await page.getByRole("link", { name: "Open the new log" }).click();
  await expect(page.getByRole("heading", { name: "Signature check" })).toBeVisible();
  // The instance was frozen by the retried call.
  const detail = await (await page.request.get(`/api/portal/instances/${lateInstanceId}`)).json();
  expect(detail.instance?.state ?? detail.state).toBe("FROZEN");
});

test("staff: retry matching shows each call's progress and stops when asked", async ({ page, world }) => {
  // Freezes of instances KooGallery never sold: each fails (000003) and fails again when re-run.
  for (let i = 0; i < 6; i++) {
    const answer = await callV2(world.portal, { activity: "updateInstanceStatus", instanceId: `bulk-${randomUUID()}`, status: "FREEZE" });
    expect(answer.json.resultCode).toBe("000003");
  }
  // Each part of the run is held 1.5 s, as on a slow link: each count stays on screen long enough to be read, and
  // "Stop" lands while calls remain.
  let parts = 0;
  await page.route("**/api/portal/callbacks/retry", async (route) => {
    if ((route.request().postDataJSON() as { ids?: string[] }).ids) {
      parts++;
      await new Promise((resolve) => setTimeout(resolve, 1500));
    }
    await route.continue();
  });
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await page.goto("/portal/callbacks");
  await page.getByLabel("Activity").selectOption("updateInstanceStatus");
  await page.getByLabel("Result code").selectOption("000003");
  await page.getByRole("button", { name: "Retry matching…" }).click();
  const confirm = page.getByRole("button", { name: /^Re-run \d+$/ });
  await expect(confirm).toBeEnabled();
  const total = Number((await confirm.textContent())!.replace(/\D/g, ""));
  expect(total).toBeGreaterThanOrEqual(6);
  await confirm.click();
  const dialog = page.getByRole("dialog");
  // Other tests' failed freezes may match too (one whose instance exists since succeeds): the counts, not which.
  await expect(dialog.getByText(new RegExp(`^[12] of ${total} done: [0-2] succeeded, [0-2] failed\\.$`))).toBeVisible();
  await expect(dialog.getByRole("progressbar")).toHaveAttribute("max", String(total));
  await dialog.getByRole("button", { name: "Stop after this call" }).click();
  const outcome = page.getByRole("status").filter({ hasText: "Stopped:" });
  await expect(outcome).toBeVisible();
  const [, ran, notRun] = /Stopped: (\d+) re-run \(\d+ succeeded, \d+ failed\), (\d+) not run\./.exec((await outcome.textContent()) ?? "") ?? [];
  expect(Number(ran)).toBe(parts);
  expect(Number(ran) + Number(notRun)).toBe(total);
  expect(Number(notRun)).toBeGreaterThan(0);
  await checkPage(page, "staff-bulk-retry-stopped");
});

test("staff: tenants and the org tree", async ({ page, world }) => {
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await page.goto("/portal/tenants");
  await page.getByLabel("Search").fill(acme.tenantCode);
  await page.getByRole("link", { name: acme.name }).click();
  await expect(page.getByRole("heading", { name: acme.name })).toBeVisible();
  // The org tree, by keyboard (WAI-ARIA tree view: one tab stop, arrows move, → opens or enters, ← closes or goes up).
  const tree = page.getByRole("tree");
  const item = (name: string) => tree.getByRole("treeitem", { name: new RegExp(`^${name} `) });
  await expect(item("Head office")).toHaveAttribute("tabindex", "0");
  await item("Head office").focus();
  await page.keyboard.press("ArrowRight");
  await expect(item("Head office")).toHaveAttribute("aria-expanded", "true");
  await page.keyboard.press("ArrowRight");
  await expect(item("Engineering")).toBeFocused();
  await expect(item("Engineering")).toHaveAttribute("tabindex", "0");
  await expect(item("Head office")).toHaveAttribute("tabindex", "-1");
  await page.keyboard.press("ArrowRight");
  await expect(item("Engineering")).toHaveAttribute("aria-expanded", "true");
  // Its departments are fetched when it opens (two levels come with the page): the next key waits for them, as a user would.
  await expect(item("Platform")).toBeVisible();
  await page.keyboard.press("ArrowDown");
  await expect(item("Platform")).toBeFocused();
  await page.keyboard.press("ArrowLeft");
  await expect(item("Engineering")).toBeFocused();
  await page.keyboard.press("Home");
  await expect(item("Head office")).toBeFocused();
  await page.keyboard.press("End");
  await expect(item("Platform")).toBeFocused();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowLeft");
  await expect(item("Engineering")).toHaveAttribute("aria-expanded", "false");
  await expect(item("Platform")).toHaveCount(0);
  // By mouse: a click on a department's row opens it.
  await item("Engineering").getByText("Engineering", { exact: true }).click();
  await expect(item("Platform")).toBeVisible();
  await checkPage(page, "staff-tenant-detail");
  await page.goto("/portal/tenants");
  await checkPage(page, "staff-tenants");
});

test("tenant admin: the same pages, limited to their enterprise", async ({ page }) => {
  await signInFromLoginPage(page, acme.tenantCode, "ada");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await checkPage(page, "admin-dashboard");
  await page.goto("/portal/instances");
  await expect(page.getByRole("link", { name: acme.instanceId })).toBeVisible();
  await expect(page.getByRole("link", { name: lateInstanceId })).toHaveCount(0);
  await checkPage(page, "admin-instances");
  await page.getByRole("link", { name: acme.instanceId }).click();
  await expect(page.getByRole("heading", { name: "Timeline" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Freeze" })).toHaveCount(0);
  await checkPage(page, "admin-instance-detail");
  await page.goto("/portal/callbacks");
  await expect(page.getByRole("row").filter({ hasText: "tenantSync" }).first()).toBeVisible();
  await checkPage(page, "admin-callbacks");
  await page.goto("/portal/tenants");
  await page.getByRole("link", { name: acme.name }).click();
  await page.getByRole("tree").getByText("Head office", { exact: true }).click();
  await expect(page.getByRole("treeitem", { name: /^Engineering / })).toHaveAttribute("aria-expanded", "false");
  await checkPage(page, "admin-tenant-detail");
});
