// Alerts to staff, walked in Chromium as an owner: add a WeCom robot channel
// (its key-bearing URL never shown again), send it a test, tighten a rule's
// threshold, let KooGallery-style calls with a wrong key be refused, and find
// the alert in the list with its message delivered. The robot is a real HTTP
// server started by the test that answers as WeCom does.
import { startRobotReceivers, type RobotReceivers } from "../../testing/support/alert-receivers";
import { callV2 } from "../fixtures/koogallery";
import { expect, expectAccessible, signInAsStaff, test } from "./fixtures";

let robots: RobotReceivers;

test.beforeAll(async () => {
  robots = await startRobotReceivers();
});

test.afterAll(async () => {
  await robots?.close();
});

test("owner: add a robot channel, test it, and see an alert delivered to it", async ({ page, world }) => {
  await signInAsStaff(page, world.owner.email, world.owner.password);
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page.getByRole("heading", { name: "Alerts to staff", level: 1 })).toBeVisible();

  await page.getByRole("navigation", { name: "Alerts" }).getByRole("link", { name: "Channels" }).click();
  await expect(page.getByRole("heading", { name: "Add a channel" })).toBeVisible();
  await page.getByLabel("Name").fill("Ops WeCom");
  await page.getByLabel("Kind").selectOption("WECOM");
  await page.getByLabel("Webhook URL").fill(robots.urls.wecom);
  await page.getByRole("button", { name: "Add channel" }).click();
  const row = page.getByRole("listitem").filter({ hasText: "Ops WeCom" });
  await expect(row.getByText(/^WeCom robot at 127\.0\.0\.1:\d+$/)).toBeVisible();
  await expect(page.getByText(robots.wecomKey)).toHaveCount(0);
  await expectAccessible(page, "alert channels");

  await row.getByRole("button", { name: "Send test" }).click();
  await expect(row.getByText(/Test message accepted/)).toBeVisible();
  expect(robots.accepted("wecom").some((m) => JSON.stringify(m.body).includes("【测试】"))).toBe(true);

  await page.getByRole("navigation", { name: "Alerts" }).getByRole("link", { name: "Rules" }).click();
  const rule = page.getByRole("listitem").filter({ hasText: "Calls refused for their signature" });
  await rule.getByRole("spinbutton").fill("2");
  await rule.getByRole("button", { name: "Save threshold" }).click();
  await expect(rule.getByText(/Alert above: 2 refusals in 10 minutes/)).toBeVisible();
  await expectAccessible(page, "alert rules");

  // Three calls signed with a key that is not the portal's: refused for their signature (a key mismatch).
  for (let i = 0; i < 3; i++) {
    const answer = await callV2(world.portal, { activity: "queryInstance", instanceId: `missing-${i}` }, { key: "not-the-configured-key-0123456789" });
    expect(answer.json.resultCode).not.toBe("000000");
  }

  await page.getByRole("navigation", { name: "Alerts" }).getByRole("link", { name: "Alerts" }).click();
  // The tab navigates client-side: reloading before the URL changed would reload the rules page.
  await expect(page).toHaveURL(/\/portal\/alerts$/);
  const alert = page.getByRole("listitem").filter({ hasText: /calls to the SaaS production interface refused for a bad signature/ });
  await expect(async () => {
    await page.reload();
    await expect(alert.getByText("delivered")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(alert.getByText(/What to do: compare the keys/)).toBeVisible();
  await expect(alert.getByText("Ops WeCom")).toBeVisible();
  await expect(alert.getByRole("link", { name: /Open the page/ })).toHaveAttribute("href", /\/portal\/callbacks\?verification=BAD_SIGNATURE$/);
  expect(robots.accepted("wecom").some((m) => JSON.stringify(m.body).includes("因签名错误被拒绝"))).toBe(true);
  await expectAccessible(page, "alerts list");
});
