// Events and alerts together, walked in Chromium as an owner, on a portal of
// its own whose provisioning goes to the merchant's backend (a server started
// here): add a webhook endpoint (its secret shown once) and a Feishu robot
// channel; a purchase the backend accepts is announced as instance.created to
// the endpoint, which refuses it, so the event page shows the attempts with
// their status and answer, and a resend after the endpoint recovers delivers
// it; a purchase the backend refuses raises "Provisioning failed", delivered
// to the robot and listed on the alerts page.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { generateWebhookSecret } from "../../lib/webhooks/standard-webhooks";
import { startRobotReceivers, type RobotReceivers } from "../../testing/support/alert-receivers";
import { callV2, newOrder, v2Purchase } from "../fixtures/koogallery";
import { startPortal, type Portal } from "../fixtures/portal";
import { expect, expectAccessible, signInAsStaff, test } from "./fixtures";

type Backend = { url: string; events: Array<{ id: string; type: string; verified: boolean }>; eventStatus: number; close(): Promise<void> };

/** The merchant's application: /provision accepts customers not named "refuse-me"; /events answers `eventStatus` and checks signatures with `secret`. */
async function startBackend(): Promise<Backend & { secret?: string }> {
  const backend: Backend & { secret?: string } = { url: "", events: [], eventStatus: 500, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      if (req.url === "/provision") {
        const refuse = body.includes("refuse-me");
        res.writeHead(refuse ? 400 : 200, { "content-type": "application/json" });
        res.end(JSON.stringify(refuse ? { error: "plan not sold in this region" } : { frontEndUrl: "https://app.example.com/t" }));
        return;
      }
      let verified = false;
      try {
        if (backend.secret) verified = Boolean(new Webhook(backend.secret).verify(body, req.headers as Record<string, string>));
      } catch {
        verified = false;
      }
      const message = JSON.parse(body) as { type: string };
      backend.events.push({ id: String(req.headers["webhook-id"]), type: message.type, verified });
      res.writeHead(backend.eventStatus, { "content-type": "text/plain" }).end(backend.eventStatus >= 300 ? "maintenance until 10:00" : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  backend.url = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}`;
  backend.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return backend;
}

const purchase = (customerName: string) => ({ body: v2Purchase(newOrder(), { customerId: `cust-${randomBytes(3).toString("hex")}`, customerName }) });

let robots: RobotReceivers;
let backend: Awaited<ReturnType<typeof startBackend>>;
let portal: Portal;
const owner = { email: `owner-${randomBytes(3).toString("hex")}@example.com`, password: `Owner-${randomBytes(12).toString("base64url")}` };

test.beforeAll(async () => {
  robots = await startRobotReceivers();
  backend = await startBackend();
  portal = await startPortal({
    PORTAL_OWNER_EMAIL: owner.email,
    PORTAL_OWNER_PASSWORD: owner.password,
    PROVISIONING_ADAPTER: "http",
    PROVISIONING_HTTP_URL: `${backend.url}/provision`,
    PROVISIONING_HTTP_SECRET: generateWebhookSecret(),
    // A minute between attempts: the page shows the first failure before a retry, and the resend is what delivers.
    MERCHANT_WEBHOOK_RETRY_SCHEDULE: "60000,60000",
    ALERTS_EVERY_MS: "1000",
  });
});

test.afterAll(async () => {
  await portal?.close();
  await backend?.close();
  await robots?.close();
});

async function openPortal(browser: import("@playwright/test").Browser): Promise<Page> {
  const page = await (await browser.newContext({ baseURL: portal.baseUrl })).newPage();
  await signInAsStaff(page, owner.email, owner.password);
  return page;
}

test("owner: an endpoint and a channel, a refused event's attempts and resend, and the alert for a failed provisioning", async ({ browser }) => {
  const page = await openPortal(browser);

  // The endpoint: its secret is shown once, then never again.
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Events" }).click();
  await page.getByRole("navigation", { name: "Events" }).getByRole("link", { name: "Webhook endpoints" }).click();
  await expect(page.getByRole("heading", { name: "Add an endpoint" })).toBeVisible();
  await page.getByLabel("Name").fill("Merchant app");
  await page.getByLabel("URL").fill(`${backend.url}/events?token=s3cr3t-query`);
  await page.getByRole("button", { name: "Add endpoint" }).click();
  const secret = (await page.getByLabel("Signing secret").textContent())?.trim() ?? "";
  expect(secret).toMatch(/^whsec_/);
  backend.secret = secret;
  await page.getByRole("button", { name: "I have stored it" }).click();
  const row = page.getByRole("list").getByRole("listitem").filter({ hasText: "Merchant app" });
  await expect(row.getByText(`${backend.url}/events?…`)).toBeVisible();
  await page.reload();
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(page.getByText("s3cr3t-query")).toHaveCount(0);
  await expectAccessible(page, "webhook endpoints");

  // The channel: a Feishu robot that signs.
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Alerts" }).click();
  await page.getByRole("navigation", { name: "Alerts" }).getByRole("link", { name: "Channels" }).click();
  await page.getByLabel("Name").fill("Ops Feishu");
  await page.getByLabel("Kind").selectOption("FEISHU");
  await page.getByLabel("Webhook URL").fill(robots.urls.feishu);
  await page.getByLabel("Signing secret").fill(robots.secrets.feishu);
  await page.getByRole("button", { name: "Add channel" }).click();
  await expect(page.getByRole("listitem").filter({ hasText: "Ops Feishu" })).toBeVisible();

  // A purchase the backend accepts: instance.created goes to the endpoint, which answers 500.
  const accepted = purchase("Acme Ltd");
  const answer = await callV2(portal, accepted.body);
  expect(answer.json.resultCode).toBe("000000");
  const instanceId = String(answer.json.instanceId);
  await expect.poll(() => backend.events.filter((e) => e.type === "instance.created").length, { timeout: 20_000 }).toBeGreaterThan(0);
  expect(backend.events.every((e) => e.verified)).toBe(true);

  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Events" }).click();
  await expect(page).toHaveURL(/\/portal\/events$/);
  await expect(page.getByRole("heading", { name: "Endpoint health" })).toBeVisible();
  const health = page.getByRole("row").filter({ hasText: "Merchant app" });
  await expect(async () => {
    await page.reload();
    await expect(health.getByText("failing")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 20_000 });
  await page.getByLabel("Instance or tenant").fill(instanceId);
  const created = page.getByRole("row").filter({ hasText: "instance.created" });
  await expect(created.getByText("retrying")).toBeVisible();
  await expect(created.getByText("(last HTTP 500)")).toBeVisible();
  await expectAccessible(page, "events list");
  await created.getByRole("link").first().click();

  // The event: its data, and the attempt with status, latency and the answer's head.
  await expect(page.getByRole("heading", { level: 1 })).toContainText("instance.created");
  await expect(page.getByText(`"instanceId": "${instanceId}"`)).toBeVisible();
  const delivery = page.getByRole("article", { name: "Delivery to Merchant app" });
  await expect(delivery.getByRole("cell", { name: /^500\b/ })).toBeVisible();
  await expect(delivery.getByText(/\d+ ms/)).toBeVisible();
  await delivery.getByText(/First \d+ characters/).click();
  await expect(delivery.getByText("maintenance until 10:00")).toBeVisible();
  await expectAccessible(page, "event detail");

  // The endpoint is back: resending delivers the same message (same webhook-id) at once.
  const eventId = page.url().split("/").pop()!;
  backend.eventStatus = 200;
  await page.getByRole("button", { name: "Resend to every endpoint" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Queued 1 delivery/ })).toBeVisible();
  await expect(delivery.getByText("delivered", { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(delivery.getByRole("cell", { name: "200", exact: true })).toBeVisible();
  expect(backend.events.filter((e) => e.id === eventId).length).toBeGreaterThanOrEqual(2);

  // A purchase the backend refuses: provisioning fails, and staff are alerted through the robot.
  const refused = await callV2(portal, purchase("refuse-me").body);
  expect(refused.json.resultCode).not.toBe("000000");
  await page.getByRole("navigation", { name: "Portal" }).getByRole("link", { name: "Alerts" }).click();
  // Links navigate client-side: reloading before the URL changed would reload the event page.
  await expect(page).toHaveURL(/\/portal\/alerts$/);
  const alert = page.getByRole("listitem").filter({ hasText: "Provisioning failed" });
  await expect(async () => {
    await page.reload();
    await expect(alert.getByText("delivered")).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 30_000 });
  await expect(alert.getByText("Ops Feishu")).toBeVisible();
  // Signed as Feishu checks it (timestamp + sign in the body), naming the customer and what to do.
  const sent = robots.accepted("feishu").map((m) => JSON.stringify(m.body));
  expect(sent.some((m) => m.includes("开通失败") && m.includes("refuse-me") && m.includes("处理建议"))).toBe(true);
  await page.context().close();
});
