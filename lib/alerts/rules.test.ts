// Alerts on a real database: raised once per rule, subject and window with a
// message and a job per enabled channel, in the caller's transaction; each
// rule fires once for its subject and resolves (with "resolved" messages)
// when its condition clears; the send-alert job records what happened.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, beforeEach, describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";
import { startRobotReceivers, type RobotReceivers } from "@/testing/support/alert-receivers";

await prepareInProcessDatabase(
  "kg-alerts",
  // English for the channels here, so the assertions read the catalog's English; the Chinese default is tested below.
  { KOOGALLERY_ACCESS_KEY: "alerts-test-basic-key-0123456789", PORTAL_PUBLIC_URL: "https://portal.example.com", ALERT_LANGUAGE: "en" },
  { migrate: true },
);

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { raiseAlert, resolveAlert, isProvisioningFailureAlerted } = await import("@/lib/alerts/raise-alert");
const { evaluateAlerts, chinaMonthOf, provisioningFailedAlert } = await import("@/lib/alerts/rules");
const { runSendAlertJob } = await import("@/lib/alerts/send-alert");
const { sealChannelConfig, summarizeChannel } = await import("@/lib/alerts/channel-config");
const { syncEnvAlertChannels } = await import("@/lib/alerts/env-channels");
const { Prisma } = await import("@/lib/generated/prisma/client");
type OpenChannel = import("@/lib/alerts/channels/types").OpenChannel;

const db = await getDb();
const HOUR = 60 * 60 * 1000;
const MIN = 60 * 1000;
/** A dead job's parameters, for the tests of raising and sending. */
const JOB = { kind: "fetch-order", jobId: "j1", attempts: 3, about: "none", instanceId: "", orderId: "", error: "timeout", isFetchOrder: "no" };

async function addChannel(channel: OpenChannel, isEnabled = true): Promise<string> {
  const row = await db.alertChannel.create({
    data: {
      name: channel.kind,
      kind: channel.kind,
      configEnc: sealChannelConfig(channel, getEnv().encryptionKey),
      summary: summarizeChannel(channel),
      isEnabled,
    },
  });
  return row.id;
}

const alertsOf = (rule: string) => db.alert.findMany({ where: { rule }, include: { notifications: true }, orderBy: { firedAt: "asc" } });
const jobsFor = async (alertId: string) => {
  const ids = (await db.alertNotification.findMany({ where: { alertId }, select: { id: true } })).map((n) => n.id);
  return db.job.count({ where: { kind: "send-alert", dedupeKey: { in: ids.map((id) => `send-alert:${id}`) } } });
};

async function logCall(data: { at: Date; activity?: string; orderId?: string; resultCode?: string; verification?: string; endpoint?: string; info?: object }) {
  await db.callbackLog.create({
    data: {
      receivedAt: data.at,
      endpoint: data.endpoint ?? "saas",
      generation: "V2",
      activity: data.activity ?? null,
      method: "POST",
      verification: data.verification ?? "OK",
      verificationInfo: data.info ?? undefined,
      resultCode: data.resultCode ?? "000000",
      latencyMs: 3,
      orderId: data.orderId ?? null,
      requestMasked: {},
    },
  });
}

let receivers: RobotReceivers;
before(async () => {
  receivers = await startRobotReceivers();
});
after(() => receivers.close());

beforeEach(async () => {
  await db.alert.deleteMany({});
  await db.alertChannel.deleteMany({});
  await db.alertRuleSetting.deleteMany({});
  await db.job.deleteMany({});
  await db.callbackLog.deleteMany({});
  await db.webhookEndpoint.deleteMany({});
  await db.instance.deleteMany({});
});

describe("raiseAlert", () => {
  test("one alert per rule, subject and window, with a message and a job per enabled channel", async () => {
    const a = await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
    const b = await addChannel({ kind: "WEBHOOK", config: { url: receivers.urls.webhook, secret: receivers.secrets.webhook } });
    await addChannel({ kind: "FEISHU", config: { url: receivers.urls.feishu } }, false);
    const input = { rule: "job-dead" as const, subjectKey: "job:1", windowKey: "dead", params: JOB, link: "/portal/settings" };
    assert.equal(await db.$transaction((tx) => raiseAlert(tx, input)), true);
    assert.equal(await db.$transaction((tx) => raiseAlert(tx, input)), false, "a repeat queues nothing");
    const [alert, ...more] = await alertsOf("job-dead");
    assert.equal(more.length, 0);
    assert.equal(alert!.link, "https://portal.example.com/portal/settings");
    assert.deepEqual(alert!.notifications.map((n) => n.channelId).sort(), [a, b].sort());
    assert.equal(await jobsFor(alert!.id), 2);
    assert.equal(await db.$transaction((tx) => raiseAlert(tx, { ...input, windowKey: "dead-again" })), true, "a new window is a new alert");
  });

  test("rolled back with its cause; nothing for a disabled rule or without a channel", async () => {
    await assert.rejects(
      db.$transaction(async (tx) => {
        await raiseAlert(tx, { rule: "job-dead", subjectKey: "job:rb", windowKey: "dead", params: JOB, link: "/portal" });
        throw new Error("the cause failed");
      }),
      /the cause failed/,
    );
    assert.equal(await db.alert.count(), 0);
    const input = { rule: "job-dead" as const, subjectKey: "job:2", windowKey: "dead", params: JOB, link: "/portal" };
    assert.equal(await raiseAlert(db, input), false, "no channel: stored, nothing queued");
    assert.equal(await db.alert.count(), 1);
    await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
    await db.alertRuleSetting.create({ data: { rule: "job-dead", isEnabled: false } });
    assert.equal(await raiseAlert(db, { ...input, subjectKey: "job:3" }), false);
    assert.equal(await db.alert.count(), 1);
  });

  test("resolving queues a resolved message to the channels told of the alert, once", async () => {
    const a = await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
    const key = { rule: "job-dead" as const, subjectKey: "job:9", windowKey: "dead" };
    await raiseAlert(db, { ...key, params: JOB, link: "/portal" });
    await addChannel({ kind: "WEBHOOK", config: { url: receivers.urls.webhook } });
    assert.equal(await resolveAlert(db, key), true);
    assert.equal(await resolveAlert(db, key), false);
    const [alert] = await alertsOf("job-dead");
    assert.ok(alert!.resolvedAt);
    assert.deepEqual(
      alert!.notifications.filter((n) => n.kind === "resolved").map((n) => n.channelId),
      [a],
    );
  });

  test("a provisioning failure counts as alerted only with a message queued", async () => {
    const instance = { id: "inst-alerted", orderId: "CS-1", customerName: "ACME", isTest: false };
    assert.equal(await isProvisioningFailureAlerted(db, instance.id), false);
    await raiseAlert(db, provisioningFailedAlert(instance, "HttpError: 400 no capacity"));
    assert.equal(await isProvisioningFailureAlerted(db, instance.id), false, "no channel, nobody told");
    await db.alert.deleteMany({});
    await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
    await raiseAlert(db, provisioningFailedAlert(instance, "HttpError: 400 no capacity"));
    assert.equal(await isProvisioningFailureAlerted(db, instance.id), true);
    const [alert] = await alertsOf("provisioning-failed");
    assert.match(alert!.body, /What to do: fix the cause/);
    assert.equal(alert!.link, "https://portal.example.com/portal/instances/inst-alerted");
  });
});

describe("rules", () => {
  beforeEach(async () => {
    await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
  });

  test("provisioning-failed resolves when the instance is provisioned after all", async () => {
    await db.instance.create({
      data: { id: "inst-p", orderKey: "k-p", generation: "V2", provisionAdapter: "http", orderId: "CS-P", provisionStatus: "FAILED" },
    });
    await raiseAlert(db, provisioningFailedAlert({ id: "inst-p", orderId: "CS-P", customerName: null, isTest: false }, "x"));
    await evaluateAlerts(db);
    assert.equal((await alertsOf("provisioning-failed"))[0]!.resolvedAt, null);
    await db.instance.update({ where: { id: "inst-p" }, data: { provisionStatus: "DONE", state: "ACTIVE" } });
    await evaluateAlerts(db);
    const [alert] = await alertsOf("provisioning-failed");
    assert.ok(alert!.resolvedAt);
    assert.equal(alert!.notifications.filter((n) => n.kind === "resolved").length, 1);
  });

  test("job-dead fires once per dead job (never for send-alert) and resolves when the job runs again", async () => {
    const now = new Date();
    const job = await db.job.create({
      data: { kind: "fetch-order", payload: { orderId: "CS-9" }, status: "DEAD", attempts: 20, lastError: "Open API 401", finishedAt: now },
    });
    await db.job.create({ data: { kind: "send-alert", payload: {}, status: "DEAD", finishedAt: now } });
    await db.job.create({ data: { kind: "fetch-order", payload: {}, status: "DEAD", finishedAt: new Date(now.getTime() - 3 * 24 * HOUR) } });
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, now);
    const alerts = await alertsOf("job-dead");
    assert.deepEqual(
      alerts.map((a) => a.subjectKey),
      [`job:${job.id}`],
    );
    assert.match(alerts[0]!.title, /fetch-order for order CS-9 gave up after 20 attempts/);
    await db.job.update({ where: { id: job.id }, data: { status: "PENDING" } });
    await evaluateAlerts(db, now);
    assert.ok((await alertsOf("job-dead"))[0]!.resolvedAt);
  });

  test("endpoint-failing after the threshold, endpoint-disabled, and both resolve", async () => {
    const now = new Date();
    await db.webhookEndpoint.create({
      data: { id: "ep-1", name: "billing", url: "https://hooks.example.com/x", eventTypes: [], failingSince: new Date(now.getTime() - 30 * MIN) },
    });
    await evaluateAlerts(db, now);
    assert.equal((await alertsOf("endpoint-failing")).length, 0, "30 min is under the 60 min default");
    await evaluateAlerts(db, new Date(now.getTime() + 31 * MIN));
    await evaluateAlerts(db, new Date(now.getTime() + 40 * MIN));
    assert.equal((await alertsOf("endpoint-failing")).length, 1);
    await db.webhookEndpoint.update({ where: { id: "ep-1" }, data: { failingSince: null } });
    await evaluateAlerts(db, new Date(now.getTime() + 41 * MIN));
    const [failing] = await alertsOf("endpoint-failing");
    assert.ok(failing!.resolvedAt);
    assert.equal(failing!.notifications.filter((n) => n.kind === "resolved").length, 1);

    await db.webhookEndpoint.update({ where: { id: "ep-1" }, data: { isEnabled: false, disabledAt: now, disabledReason: "failing for 3 days" } });
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, now);
    const [disabled] = await alertsOf("endpoint-disabled");
    assert.match(disabled!.body, /failing for 3 days/);
    await db.webhookEndpoint.update({ where: { id: "ep-1" }, data: { isEnabled: true, disabledAt: null } });
    await evaluateAlerts(db, now);
    assert.ok((await alertsOf("endpoint-disabled"))[0]!.resolvedAt);
  });

  test("signature-refusals above N in 10 minutes, counted rows included, resolves when it calms down", async () => {
    const now = new Date();
    for (let i = 0; i < 4; i++)
      await logCall({ at: new Date(now.getTime() - i * MIN), verification: "BAD_SIGNATURE", resultCode: "000001", endpoint: "kit/tenantSync" });
    await logCall({ at: new Date(now.getTime() - 20 * MIN), verification: "BAD_SIGNATURE", resultCode: "000001", endpoint: "kit/tenantSync" });
    await evaluateAlerts(db, now);
    assert.equal((await alertsOf("signature-refusals")).length, 0, "4 in 10 minutes is not more than 5");
    await logCall({
      at: now,
      verification: "COUNTED",
      resultCode: "000001",
      endpoint: "kit/authSync",
      info: { count: 3, outcomes: { BAD_SIGNATURE: 2, BAD_TIMESTAMP: 1 } },
    });
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, new Date(now.getTime() + 1000));
    const alerts = await alertsOf("signature-refusals");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.subjectKey, "signature:kit");
    assert.match(alerts[0]!.title, /^6 calls to the Kit/);
    await evaluateAlerts(db, new Date(now.getTime() + 11 * MIN));
    assert.ok((await alertsOf("signature-refusals"))[0]!.resolvedAt);
  });

  test("a failing order alerts before its retry window closes, and again when it closes", async () => {
    const now = new Date();
    const first = new Date(now.getTime() - 2.5 * HOUR);
    await logCall({ at: first, activity: "newInstance", orderId: "CS-W", resultCode: "000005" });
    await logCall({ at: new Date(now.getTime() - 30 * MIN), activity: "newInstance", orderId: "CS-W", resultCode: "000005" });
    await logCall({ at: new Date(now.getTime() - 2.9 * HOUR), activity: "newInstance", orderId: "CS-OK", resultCode: "000005" });
    await logCall({ at: new Date(now.getTime() - 10 * MIN), activity: "newInstance", orderId: "CS-OK", resultCode: "000005" });
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, new Date(now.getTime() + MIN));
    const closing = await alertsOf("order-window-closing");
    assert.deepEqual(closing.map((a) => a.subjectKey).sort(), ["order:CS-OK:newInstance", "order:CS-W:newInstance"]);
    assert.match(closing.find((a) => a.subjectKey.includes("CS-W"))!.title, /30 min left before KooGallery stops retrying newInstance/);
    // CS-OK succeeds on KooGallery's next attempt; CS-W never does.
    await logCall({ at: new Date(now.getTime() + 2 * MIN), activity: "newInstance", orderId: "CS-OK", resultCode: "000000" });
    await evaluateAlerts(db, new Date(now.getTime() + 3 * MIN));
    const ok = (await alertsOf("order-window-closing")).find((a) => a.subjectKey.includes("CS-OK"))!;
    assert.ok(ok.resolvedAt);
    assert.equal(ok.notifications.filter((n) => n.kind === "resolved").length, 1);
    await evaluateAlerts(db, new Date(now.getTime() + 31 * MIN));
    await evaluateAlerts(db, new Date(now.getTime() + 32 * MIN));
    const closed = await alertsOf("order-window-closed");
    assert.deepEqual(
      closed.map((a) => a.subjectKey),
      ["order:CS-W:newInstance"],
    );
    assert.match(closed[0]!.body, /refunded/);
    const superseded = (await alertsOf("order-window-closing")).find((a) => a.subjectKey.includes("CS-W"))!;
    assert.ok(superseded.resolvedAt);
    assert.equal(superseded.notifications.filter((n) => n.kind === "resolved").length, 0, "closed, not good news");
  });

  test("monthly-failed-orders fires once when real failures of one product reach 3 in the China month", async () => {
    const now = new Date();
    const fail = async (id: string, isTest = false, productId = "P-1") => {
      await db.instance.create({
        data: { id, orderKey: `k-${id}`, generation: "V2", provisionAdapter: "http", orderId: `O-${id}`, productId, isTest, provisionStatus: "FAILED" },
      });
      await db.instanceEvent.create({ data: { instanceId: id, kind: "PROVISION_FAILED", createdAt: now } });
    };
    await fail("m1");
    await fail("m2");
    await fail("m-test", true);
    await fail("m-other", false, "P-2");
    await evaluateAlerts(db, now);
    assert.equal((await alertsOf("monthly-failed-orders")).length, 0);
    await fail("m3");
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, now);
    const alerts = await alertsOf("monthly-failed-orders");
    assert.equal(alerts.length, 1);
    assert.equal(alerts[0]!.subjectKey, "product:P-1");
    assert.match(alerts[0]!.body, /O-m1, O-m2, O-m3/);
  });

  test("China's calendar month starts at 16:00 UTC the day before", () => {
    assert.deepEqual(chinaMonthOf(new Date("2026-11-30T15:59:59Z")), { start: new Date("2026-10-31T16:00:00Z"), name: "2026-11" });
    assert.deepEqual(chinaMonthOf(new Date("2026-11-30T16:00:00Z")), { start: new Date("2026-11-30T16:00:00Z"), name: "2026-12" });
  });

  test("instance-expiring is off by default; on, it fires once and resolves on renewal", async () => {
    const now = new Date();
    await db.instance.create({
      data: {
        id: "inst-exp",
        orderKey: "k-exp",
        generation: "V2",
        provisionAdapter: "http",
        orderId: "CS-E",
        state: "ACTIVE",
        provisionStatus: "DONE",
        expireAt: new Date(now.getTime() + 3 * 24 * HOUR),
      },
    });
    await evaluateAlerts(db, now);
    assert.equal((await alertsOf("instance-expiring")).length, 0);
    await db.alertRuleSetting.create({ data: { rule: "instance-expiring", isEnabled: true, threshold: 7 } });
    await evaluateAlerts(db, now);
    await evaluateAlerts(db, now);
    assert.equal((await alertsOf("instance-expiring")).length, 1);
    await db.instance.update({ where: { id: "inst-exp" }, data: { expireAt: new Date(now.getTime() + 365 * 24 * HOUR) } });
    await evaluateAlerts(db, now);
    assert.ok((await alertsOf("instance-expiring"))[0]!.resolvedAt);
  });
});

describe("send-alert job", () => {
  const jobRow = (notificationId: string, attempts: number) => ({
    id: randomUUID(),
    kind: "send-alert" as const,
    payload: { notificationId },
    attempts,
    maxAttempts: 3,
  });

  test("delivers, or records the failure for a retry and fails for good on the last attempt", async () => {
    await addChannel({ kind: "WEBHOOK", config: { url: receivers.urls.webhook, secret: receivers.secrets.webhook } });
    await addChannel({ kind: "DINGTALK", config: { url: receivers.urls.dingtalk, secret: "SECwrong-secret-0000000000", msgtype: "markdown" } });
    await raiseAlert(db, { rule: "job-dead", subjectKey: "job:s", windowKey: "dead", params: JOB, link: "/portal" });
    const notifications = await db.alertNotification.findMany({ include: { channel: true } });
    const good = notifications.find((n) => n.channel.kind === "WEBHOOK")!;
    const bad = notifications.find((n) => n.channel.kind === "DINGTALK")!;
    await runSendAlertJob(db, { notificationId: good.id }, jobRow(good.id, 1));
    await runSendAlertJob(db, { notificationId: good.id }, jobRow(good.id, 2));
    const delivered = await db.alertNotification.findUniqueOrThrow({ where: { id: good.id } });
    assert.equal(delivered.status, "DELIVERED");
    assert.ok(delivered.sentAt);
    assert.equal(receivers.accepted("webhook").filter((m) => m.headers["webhook-id"] === `alert_${good.id}`).length, 1, "sent once");

    await assert.rejects(runSendAlertJob(db, { notificationId: bad.id }, jobRow(bad.id, 1)), /310000/);
    const retrying = await db.alertNotification.findUniqueOrThrow({ where: { id: bad.id } });
    assert.equal(retrying.status, "PENDING");
    assert.match(retrying.lastError ?? "", /sign not match/);
    await runSendAlertJob(db, { notificationId: bad.id }, jobRow(bad.id, 3));
    const failed = await db.alertNotification.findUniqueOrThrow({ where: { id: bad.id } });
    assert.equal(failed.status, "FAILED");
    assert.equal(failed.attempts, 3);
  });
});

describe("channels from the environment", () => {
  test("kept as rows on start; a variable that is gone disables its row", async () => {
    const env = getEnv();
    await syncEnvAlertChannels(db, {
      ...env,
      alerts: { ...env.alerts, wecom: { url: receivers.urls.wecom }, feishu: { url: receivers.urls.feishu, secret: "s3cret-value" } },
    });
    await syncEnvAlertChannels(db, {
      ...env,
      alerts: { ...env.alerts, wecom: { url: receivers.urls.wecom }, feishu: { url: receivers.urls.feishu, secret: "s3cret-value" } },
    });
    let rows = await db.alertChannel.findMany({ where: { isFromEnv: true }, orderBy: { id: "asc" } });
    assert.deepEqual(
      rows.map((r) => [r.id, r.isEnabled]),
      [
        ["env-feishu", true],
        ["env-wecom", true],
      ],
    );
    assert.ok(rows.every((r) => !r.summary.includes("s3cret-value") && !r.summary.includes(receivers.wecomKey)));
    await syncEnvAlertChannels(db, { ...env, alerts: { ...env.alerts, wecom: { url: receivers.urls.wecom } } });
    rows = await db.alertChannel.findMany({ where: { isFromEnv: true }, orderBy: { id: "asc" } });
    assert.deepEqual(
      rows.map((r) => [r.id, r.isEnabled]),
      [
        ["env-feishu", false],
        ["env-wecom", true],
      ],
    );
  });
});

describe("the words of an alert", () => {
  test("each reader gets the same alert in their language and zone; the channels get ALERT_LANGUAGE", async () => {
    const { renderAlert, alertFrame } = await import("@/lib/alerts/alert-text");
    const { messageText } = await import("@/lib/alerts/channels/types");
    const params = {
      orderId: "CS-Z",
      activity: "refreshInstance",
      minutesLeft: 25,
      firstAttemptAt: "2026-12-07T01:00:00.000Z",
      resultCode: "000005",
      resultMsg: "",
      closesAt: "2026-12-07T03:00:00.000Z",
      afterWindow: "phrase:afterWindow.notResent",
    };
    const zh = renderAlert({ rule: "order-window-closing", params }, { locale: "zh-CN", timeZone: "Asia/Shanghai" });
    assert.equal(zh.title, "订单 CS-Z：距云商店停止重试 refreshInstance 还剩 25 分钟");
    // 03:00 UTC is 11:00 in Beijing; the phrase in Chinese too.
    assert.match(zh.body, /2026\/12\/07 11:00:00 GMT\+8/);
    assert.match(zh.body, /续费不会生效/);
    const en = renderAlert({ rule: "order-window-closing", params }, { locale: "en", timeZone: "UTC" });
    assert.equal(en.title, "Order CS-Z: 25 min left before KooGallery stops retrying refreshInstance");
    assert.match(en.body, /12\/07\/2026, 03:00:00 UTC/);
    assert.match(en.body, /the renewal is not applied/);
    assert.equal(alertFrame("zh-CN").heading("resolved", zh.title), `【已恢复】${zh.title}`);

    // Stored: the channels' words (English in this file's environment) and the parameters for the page.
    await addChannel({ kind: "WECOM", config: { url: receivers.urls.wecom } });
    await raiseAlert(db, provisioningFailedAlert({ id: "inst-zh", orderId: "CS-ZH", customerName: "示例科技", isTest: true }, "HTTP 500"));
    const [stored] = await alertsOf("provisioning-failed");
    assert.equal(stored!.title, "Provisioning failed: instance inst-zh (test order)");
    assert.deepEqual(stored!.params, {
      instanceId: "inst-zh",
      orderId: "CS-ZH",
      hasCustomer: "yes",
      customerName: "示例科技",
      isTest: "yes",
      error: "HTTP 500",
    });
    const { listAlerts } = await import("@/lib/alerts/manage-alerts");
    const page = await listAlerts(db, getEnv(), { reader: { locale: "zh-CN", timeZone: "Asia/Shanghai" } });
    const shown = page.items.find((a) => a.subjectKey === "instance:inst-zh")!;
    assert.equal(shown.isRendered, true);
    assert.equal(shown.title, "开通失败：实例 inst-zh（测试订单）");
    assert.match(shown.body, /商家后端拒绝开通实例 inst-zh（订单 CS-ZH，客户 示例科技）：HTTP 500。/);
    // An alert from before its parameters were kept reads as it was sent.
    await db.alert.updateMany({ where: { id: shown.id }, data: { params: Prisma.DbNull } });
    const old = (await listAlerts(db, getEnv(), { reader: { locale: "zh-CN", timeZone: "Asia/Shanghai" } })).items.find((a) => a.id === shown.id)!;
    assert.deepEqual([old.isRendered, old.title], [false, "Provisioning failed: instance inst-zh (test order)"]);

    const zhMessage = messageText({
      id: "m",
      kind: "fired",
      alertId: "a",
      rule: "job-dead",
      subjectKey: "job:1",
      title: "标题",
      body: "正文",
      link: "https://portal.example.com/portal",
      firedAt: new Date(),
      resolvedAt: null,
      locale: "zh-CN",
    });
    assert.deepEqual(zhMessage, { heading: "【告警】标题", text: "正文\n\n在门户中查看：https://portal.example.com/portal", openLink: "在门户中查看" });
  });
});
