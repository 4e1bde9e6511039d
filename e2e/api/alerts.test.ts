// Alerts to staff against the production build: channels configured by the
// environment (an in-test SMTP server and HTTP receivers that check each
// robot's signing rule), a provisioning failure that reaches all of them, the
// 000005 answer saying "alerted" only when a message was queued, a staff
// re-run that resolves the alert through the recurring evaluate-alerts job,
// and the portal's alerts API (owners configure and test, other staff read).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { startRobotReceivers, startSmtpSink, type RobotReceivers, type SmtpSink } from "../../testing/support/alert-receivers";
import { generateWebhookSecret } from "../../lib/webhooks/standard-webhooks";
import { callV2, newOrder } from "../fixtures/koogallery";
import { startMockServer, waitFor, type MockServer } from "../fixtures/mock-server";
import { startPortal, type Portal } from "../fixtures/portal";

const OWNER = { email: `owner-${randomBytes(3).toString("hex")}@example.com`, password: `Owner-${randomBytes(12).toString("base64url")}` };
const SESSION_COOKIE = "next-auth.session-token";
const PROVISIONING_SECRET = generateWebhookSecret();

let portal: Portal;
let smtp: SmtpSink;
let robots: RobotReceivers;
let backend: MockServer;
let isBackendRefusing = true;

before(async () => {
  smtp = await startSmtpSink();
  robots = await startRobotReceivers();
  backend = await startMockServer();
  backend.reply((req) => {
    if (isBackendRefusing) return { status: 400, body: { error: "no capacity in region" } };
    const { instance } = JSON.parse(req.body) as { instance: { instanceId: string } };
    return { status: 200, body: { frontEndUrl: `https://app.example.com/${instance.instanceId}` } };
  });
  portal = await startPortal({
    PORTAL_OWNER_EMAIL: OWNER.email,
    PORTAL_OWNER_PASSWORD: OWNER.password,
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    PROVISIONING_ADAPTER: "http",
    PROVISIONING_HTTP_URL: `${backend.url}/provision`,
    PROVISIONING_HTTP_SECRET: PROVISIONING_SECRET,
    PROVISIONING_SYNC_TIMEOUT_MS: "5000",
    SMTP_URL: smtp.url,
    ALERT_EMAIL_FROM: "KooGallery portal <portal@example.com>",
    ALERT_EMAIL_TO: "ops@example.com, oncall@example.com",
    ALERT_DINGTALK_URL: robots.urls.dingtalk,
    ALERT_DINGTALK_SECRET: robots.secrets.dingtalk,
    ALERT_FEISHU_URL: robots.urls.feishu,
    ALERT_FEISHU_SECRET: robots.secrets.feishu,
    ALERT_WECOM_URL: robots.urls.wecom,
    ALERT_WEBHOOK_URL: robots.urls.webhook,
    ALERT_WEBHOOK_SECRET: robots.secrets.webhook,
    ALERTS_EVERY_MS: "500",
  });
});
after(async () => {
  await portal?.close();
  await backend?.close();
  await robots?.close();
  await smtp?.close();
});

/** Cookies for one origin, names and values only. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(pair!.slice(0, at));
      else this.cookies.set(pair!.slice(0, at), value);
    }
  }
  has(name: string): boolean {
    return this.cookies.has(name);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

async function signIn(email: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await fetch(`${portal.baseUrl}/api/auth/csrf`);
  jar.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${portal.baseUrl}/api/auth/callback/staff`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${portal.baseUrl}/portal` }),
  });
  jar.keep(res);
  await res.arrayBuffer();
  assert.ok(jar.has(SESSION_COOKIE), `signed in as ${email}`);
  return jar;
}

async function api<T>(jar: CookieJar, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${portal.baseUrl}${path}`, {
    method,
    headers: { cookie: jar.header(), origin: portal.baseUrl, ...(method === "GET" ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as T };
}

type Notification = { channelName: string; channelKind: string; kind: string; status: string; lastError: string | null };
type AlertItem = { rule: string; subjectKey: string; title: string; body: string; link: string; resolvedAt: string | null; notifications: Notification[] };
type ChannelItem = { id: string; name: string; kind: string; summary: string; isEnabled: boolean; isFromEnv: boolean };

const mentions = (id: string) => (m: { body: Record<string, unknown> }) => JSON.stringify(m.body).includes(id);

describe("alerts to staff", () => {
  let failedInstanceId = "";

  test("a provisioning failure reaches the e-mail and every robot, and the 000005 answer says the merchant was alerted", async () => {
    const order = newOrder();
    failedInstanceId = order.businessId;
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000005", a.bodyText);
    assert.equal(a.json.resultMsg, "provisioning failed at the merchant, who has been alerted");
    const q = await callV2(portal, { activity: "queryInstance", instanceId: order.businessId });
    assert.equal(q.json.resultCode, "000005");
    assert.equal(q.json.resultMsg, "provisioning failed at the merchant, who has been alerted");

    const mail = await waitFor(() => smtp.messages.find((m) => m.subject?.includes(order.businessId)), 20_000, "the e-mail");
    // In Chinese, the channels' default language (ALERT_LANGUAGE); the backend's own error as it came.
    assert.equal(mail.subject, `【告警】开通失败：实例 ${order.businessId}`);
    assert.match(mail.text ?? "", /backend refused the instance: HTTP 400/);
    assert.match(mail.text ?? "", /处理建议：在后端修复原因后，在实例页面重新开通/);
    assert.ok((mail.text ?? "").includes(`${portal.baseUrl}/portal/instances/${order.businessId}`), "links to the instance page");
    assert.deepEqual(
      [mail.to]
        .flat()
        .flatMap((t) => t?.value ?? [])
        .map((x) => x.address),
      ["ops@example.com", "oncall@example.com"],
    );

    for (const kind of ["dingtalk", "feishu", "wecom", "webhook"] as const) {
      await waitFor(() => robots.accepted(kind).find(mentions(order.businessId)), 20_000, `the ${kind} message`);
    }
    // Every message that arrived passed its robot's signing check: nothing was refused.
    assert.deepEqual(
      robots.received.filter((m) => !m.isAccepted),
      [],
    );
    const hook = robots.accepted("webhook").find(mentions(order.businessId))!;
    const verified = new Webhook(robots.secrets.webhook).verify(JSON.stringify(hook.body), hook.headers as Record<string, string>) as {
      type: string;
      data: { rule: string; link: string };
    };
    assert.equal(verified.type, "alert.fired");
    assert.equal(verified.data.rule, "provisioning-failed");
  });

  test("staff read the alert with every message delivered; a re-run that succeeds sends resolved messages", async () => {
    const owner = await signIn(OWNER.email, OWNER.password);
    const delivered = await waitFor(
      async () => {
        const { json } = await api<{ items: AlertItem[] }>(owner, "GET", "/api/portal/alerts");
        const alert = json.items.find((x) => x.subjectKey === `instance:${failedInstanceId}`);
        return alert && alert.notifications.length === 5 && alert.notifications.every((n) => n.status === "DELIVERED") ? alert : undefined;
      },
      20_000,
      "five delivered messages",
    );
    assert.deepEqual(delivered.notifications.map((n) => n.channelKind).sort(), ["DINGTALK", "EMAIL", "FEISHU", "WEBHOOK", "WECOM"]);

    isBackendRefusing = false;
    const rerun = await api<unknown>(owner, "POST", `/api/portal/instances/${failedInstanceId}/actions`, { action: "reprovision" });
    assert.equal(rerun.status, 200, JSON.stringify(rerun.json));
    await waitFor(() => smtp.messages.find((m) => m.subject === `【已恢复】开通失败：实例 ${failedInstanceId}`), 20_000, "the resolved e-mail");
    for (const kind of ["dingtalk", "feishu", "wecom"] as const) {
      await waitFor(
        () => robots.accepted(kind).find((m) => mentions(failedInstanceId)(m) && JSON.stringify(m.body).includes("【已恢复】")),
        20_000,
        `the resolved ${kind} message`,
      );
    }
    const { json } = await api<{ items: AlertItem[] }>(owner, "GET", "/api/portal/alerts?status=resolved");
    assert.ok(json.items.some((x) => x.subjectKey === `instance:${failedInstanceId}` && x.resolvedAt));
  });

  test("channels from the environment show no secret; owners test, add and remove channels; other staff only read", async () => {
    const owner = await signIn(OWNER.email, OWNER.password);
    const { json } = await api<{ items: ChannelItem[] }>(owner, "GET", "/api/portal/alerts/channels");
    assert.equal(json.items.filter((c) => c.isFromEnv).length, 5);
    const text = JSON.stringify(json);
    for (const secret of [robots.secrets.dingtalk, robots.secrets.feishu, robots.secrets.webhook, robots.wecomKey, "ding-access-token", "feishu-hook-"]) {
      assert.ok(!text.includes(secret), `the channel list leaks ${secret}`);
    }
    for (const c of json.items) {
      const r = await api<{ isOk: boolean; error: string | null }>(owner, "POST", `/api/portal/alerts/channels/${c.id}/test`, {});
      assert.equal(r.json.isOk, true, `${c.name}: ${r.json.error}`);
    }
    assert.ok(smtp.messages.some((m) => m.subject?.startsWith("【测试】")));

    // A webhook added without a secret gets one, shown once; our receiver knows another secret, so the test says why it failed.
    const added = await api<{ channel: ChannelItem; shownOnce?: { secret: string } }>(owner, "POST", "/api/portal/alerts/channels", {
      name: "relay",
      kind: "WEBHOOK",
      config: { url: robots.urls.webhook },
    });
    assert.equal(added.status, 201);
    assert.match(added.json.shownOnce?.secret ?? "", /^whsec_/);
    const refused = await api<{ isOk: boolean; error: string | null }>(owner, "POST", `/api/portal/alerts/channels/${added.json.channel.id}/test`, {});
    assert.equal(refused.json.isOk, false);
    assert.match(refused.json.error ?? "", /HTTP 401/);
    // The right secret typed in; the URL left blank is kept.
    const edited = await api<ChannelItem>(owner, "PATCH", `/api/portal/alerts/channels/${added.json.channel.id}`, {
      config: { url: "", secret: robots.secrets.webhook },
    });
    assert.equal(edited.status, 200, JSON.stringify(edited.json));
    const ok = await api<{ isOk: boolean }>(owner, "POST", `/api/portal/alerts/channels/${added.json.channel.id}/test`, {});
    assert.equal(ok.json.isOk, true);
    const listed = await api<{ items: ChannelItem[] }>(owner, "GET", "/api/portal/alerts/channels");
    assert.ok(!JSON.stringify(listed.json).includes(added.json.shownOnce!.secret), "a generated secret is never shown again");
    assert.equal((await api(owner, "DELETE", `/api/portal/alerts/channels/${added.json.channel.id}`)).status, 200);
    assert.equal((await api(owner, "DELETE", "/api/portal/alerts/channels/env-wecom")).status, 409, "an environment channel is disabled, not deleted");

    const bad = await api<unknown>(owner, "PATCH", "/api/portal/alerts/rules", { rule: "monthly-failed-orders", threshold: 9 });
    assert.equal(bad.status, 400);
    const rules = await api<{ items: { rule: string; threshold: number | null }[] }>(owner, "PATCH", "/api/portal/alerts/rules", {
      rule: "signature-refusals",
      threshold: 12,
    });
    assert.equal(rules.json.items.find((r) => r.rule === "signature-refusals")?.threshold, 12);

    // The pages render for staff (their data then comes from the APIs above): in Chinese by default, in English when the browser asks.
    for (const [path, chinese, english] of [
      ["/portal/alerts", "发给员工的告警", "Alerts to staff"],
      ["/portal/alerts/channels", "添加通知渠道", "Add a channel"],
      ["/portal/alerts/rules", "告警规则", "Rules"],
    ] as const) {
      for (const [language, heading] of [
        [undefined, chinese],
        ["en-US,en;q=0.9", english],
      ] as const) {
        const page = await fetch(`${portal.baseUrl}${path}`, { headers: { cookie: owner.header(), ...(language ? { "accept-language": language } : {}) } });
        const html = await page.text();
        assert.equal(page.status, 200, path);
        assert.ok(html.includes(heading), `${path} shows ${heading}`);
      }
    }

    const viewer = { email: `viewer-${randomBytes(3).toString("hex")}@example.com`, password: `Pw-${randomBytes(12).toString("base64url")}` };
    const created = await api<unknown>(owner, "POST", "/api/portal/staff", { ...viewer, name: "A viewer", role: "viewer" });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    const jar = await signIn(viewer.email, viewer.password);
    assert.equal((await api(jar, "GET", "/api/portal/alerts")).status, 200);
    assert.equal((await api(jar, "GET", "/api/portal/alerts/channels")).status, 200);
    assert.equal((await api(jar, "POST", "/api/portal/alerts/channels/env-email/test", {})).status, 403);
    assert.equal((await api(jar, "PATCH", "/api/portal/alerts/rules", { rule: "job-dead", isEnabled: false })).status, 403);
  });

  test("with every channel disabled the failure is recorded, and the answer does not claim an alert", async () => {
    isBackendRefusing = true;
    const owner = await signIn(OWNER.email, OWNER.password);
    const { json } = await api<{ items: ChannelItem[] }>(owner, "GET", "/api/portal/alerts/channels");
    for (const c of json.items) assert.equal((await api(owner, "PATCH", `/api/portal/alerts/channels/${c.id}`, { isEnabled: false })).status, 200);
    const order = newOrder();
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000005", a.bodyText);
    assert.equal(a.json.resultMsg, "provisioning failed at the merchant");
    const alerts = await api<{ items: AlertItem[] }>(owner, "GET", "/api/portal/alerts?status=open");
    const alert = alerts.json.items.find((x) => x.subjectKey === `instance:${order.businessId}`);
    assert.ok(alert, "the alert is recorded");
    assert.equal(alert.notifications.length, 0);
  });
});
