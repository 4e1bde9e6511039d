// Each channel against what it talks to: the robots' signing rules (a vector
// computed with each robot's documented Python sample, then receivers that
// verify as the robot does and answer as it answers), a real SMTP server in
// process, and the generic webhook through the Standard Webhooks verifier.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { startRobotReceivers, startSmtpSink, type RobotReceivers } from "@/testing/support/alert-receivers";
import { dingtalkSignature, signedDingtalkUrl } from "@/lib/alerts/channels/dingtalk";
import { feishuSignature } from "@/lib/alerts/channels/feishu";
import { ChannelError, type AlertMessage, type OpenChannel } from "@/lib/alerts/channels/types";
import { openChannel, sealChannelConfig, secretsOfChannel, sendToChannel, summarizeChannel } from "@/lib/alerts/channel-config";

const message = (kind: AlertMessage["kind"] = "fired"): AlertMessage => ({
  id: `alert_${kind}-1`,
  kind,
  alertId: "a-1",
  rule: "provisioning-failed",
  subjectKey: "instance:inst-1",
  title: "Provisioning failed: instance inst-1",
  body: "The merchant's backend refused it.\nWhat to do: fix it, then re-run.",
  link: "https://portal.example.com/portal/instances/inst-1",
  firedAt: new Date("2026-12-07T01:00:00.000Z"),
  resolvedAt: kind === "resolved" ? new Date("2026-12-07T02:00:00.000Z") : null,
  locale: "en",
});

describe("signing rules", () => {
  test("DingTalk: base64(HMAC-SHA256(secret, timestamp + newline + secret)), url-encoded in the query", () => {
    // The value the documented Python sample (hmac.new(secret, f"{timestamp}\n{secret}", sha256), b64encode, quote_plus) prints.
    assert.equal(dingtalkSignature("SECthis-is-a-test-secret-0123456789", 1765000000123), "GYQ2TaieyEhY15yYqsWf7cGWFuMJMvjNmvrN7lDLdrg=");
    const url = signedDingtalkUrl("https://oapi.dingtalk.com/robot/send?access_token=T", "SECthis-is-a-test-secret-0123456789", new Date(1765000000123));
    assert.equal(url, "https://oapi.dingtalk.com/robot/send?access_token=T&timestamp=1765000000123&sign=GYQ2TaieyEhY15yYqsWf7cGWFuMJMvjNmvrN7lDLdrg%3D");
    assert.equal(signedDingtalkUrl("https://oapi.dingtalk.com/robot/send?access_token=T", undefined), "https://oapi.dingtalk.com/robot/send?access_token=T");
  });

  test("Feishu: base64(HMAC-SHA256(key = timestamp + newline + secret, empty message))", () => {
    // The documented Python sample: hmac.new(f"{timestamp}\n{secret}".encode(), digestmod=sha256), b64encode.
    assert.equal(feishuSignature("feishu-test-secret-abcdef", 1765000000), "RupDYBkpbw9n3/2k02GaLevo82dZVhXmJfKFi/epWFI=");
  });
});

describe("robots over HTTP", () => {
  let r: RobotReceivers;
  before(async () => {
    r = await startRobotReceivers();
  });
  after(() => r.close());

  const channels = (): OpenChannel[] => [
    { kind: "DINGTALK", config: { url: r.urls.dingtalk, secret: r.secrets.dingtalk, msgtype: "markdown" } },
    { kind: "FEISHU", config: { url: r.urls.feishu, secret: r.secrets.feishu } },
    { kind: "WECOM", config: { url: r.urls.wecom } },
    { kind: "WEBHOOK", config: { url: r.urls.webhook, secret: r.secrets.webhook } },
  ];

  test("each robot accepts a correctly signed message", async () => {
    for (const channel of channels()) await sendToChannel(channel, message());
    assert.equal(r.accepted("dingtalk").length, 1);
    const ding = r.accepted("dingtalk")[0]!.body as { msgtype: string; markdown: { title: string; text: string } };
    assert.equal(ding.msgtype, "markdown");
    assert.match(ding.markdown.text, /Provisioning failed: instance inst-1[\s\S]*\[Open in the portal\]\(https:\/\/portal\.example\.com/);
    const feishu = r.accepted("feishu")[0]!.body as { msg_type: string; content: { text: string } };
    assert.equal(feishu.msg_type, "text");
    assert.match(feishu.content.text, /^\[Alert\] Provisioning failed/);
    const wecom = r.accepted("wecom")[0]!.body as { markdown: { content: string } };
    assert.match(wecom.markdown.content, /What to do: fix it/);
    const hook = r.accepted("webhook")[0]!;
    assert.equal(hook.headers["webhook-id"], "alert_fired-1");
    assert.equal((hook.body as { type: string }).type, "alert.fired");
  });

  test("a robot's HTTP 200 with an error code is a failure, and the error names no secret", async () => {
    const wrong: OpenChannel[] = [
      { kind: "DINGTALK", config: { url: r.urls.dingtalk, secret: "SECnot-the-robots-secret-000000", msgtype: "text" } },
      { kind: "FEISHU", config: { url: r.urls.feishu, secret: "not-the-robots-secret" } },
      { kind: "WECOM", config: { url: `${r.baseUrl}/cgi-bin/webhook/send?key=wrong-key-0123456789` } },
      { kind: "WEBHOOK", config: { url: r.urls.webhook, secret: `whsec_${Buffer.alloc(32, 9).toString("base64")}` } },
    ];
    const errors: string[] = [];
    for (const channel of wrong) {
      await assert.rejects(sendToChannel(channel, message()), (e: unknown) => {
        assert.ok(e instanceof ChannelError);
        errors.push(e.message);
        for (const secret of secretsOfChannel(channel)) assert.ok(!e.message.includes(secret), `${e.message} leaks ${secret}`);
        return true;
      });
    }
    assert.match(errors[0]!, /errcode 310000 sign not match/);
    assert.match(errors[1]!, /code 19021/);
    assert.match(errors[2]!, /errcode 93000/);
    assert.match(errors[3]!, /HTTP 401/);
  });

  test("an unreachable robot fails without its token in the error", async () => {
    const channel: OpenChannel = { kind: "WECOM", config: { url: "http://127.0.0.1:9/cgi-bin/webhook/send?key=secret-key-abcdef123" } };
    await assert.rejects(sendToChannel(channel, message()), (e: unknown) => e instanceof ChannelError && !e.message.includes("secret-key-abcdef123"));
  });

  test("the generic webhook verifies with the Standard Webhooks library; the id is stable across retries", async () => {
    const channel = channels()[3]!;
    await sendToChannel(channel, message("resolved"));
    await sendToChannel(channel, message("resolved"));
    const [a, b] = r.accepted("webhook").slice(-2);
    assert.equal(a!.headers["webhook-id"], b!.headers["webhook-id"]);
    const verified = new Webhook(r.secrets.webhook).verify(JSON.stringify(a!.body), a!.headers as Record<string, string>) as {
      type: string;
      data: { resolvedAt: string };
    };
    assert.equal(verified.type, "alert.resolved");
    assert.equal(verified.data.resolvedAt, "2026-12-07T02:00:00.000Z");
  });
});

describe("e-mail", () => {
  test("is delivered to a real SMTP server, with authentication, and the password stays out of errors", async () => {
    const sink = await startSmtpSink({ user: "alerts@example.com", pass: "smtp-pass-0123456789" });
    try {
      const channel: OpenChannel = { kind: "EMAIL", config: { smtpUrl: sink.url, from: "portal@example.com", to: ["ops@example.com", "oncall@example.com"] } };
      await sendToChannel(channel, message());
      assert.equal(sink.messages.length, 1);
      const mail = sink.messages[0]!;
      assert.equal(mail.subject, "[Alert] Provisioning failed: instance inst-1");
      assert.match(mail.text ?? "", /What to do: fix it[\s\S]*Open in the portal: https:\/\/portal\.example\.com\/portal\/instances\/inst-1/);
      assert.deepEqual(
        [mail.to]
          .flat()
          .flatMap((t) => t?.value ?? [])
          .map((a) => a.address),
        ["ops@example.com", "oncall@example.com"],
      );
      const wrong: OpenChannel = { kind: "EMAIL", config: { ...channel.config, smtpUrl: sink.url.replace("smtp-pass-0123456789", "wrong-pass-9876543210") } };
      await assert.rejects(sendToChannel(wrong, message()), (e: unknown) => e instanceof ChannelError && !e.message.includes("wrong-pass-9876543210"));
    } finally {
      await sink.close();
    }
  });
});

describe("settings at rest", () => {
  test("sealed, opened again, and summarized without secrets", () => {
    const key = Buffer.alloc(32, 3);
    const channel: OpenChannel = {
      kind: "DINGTALK",
      config: { url: "https://oapi.dingtalk.com/robot/send?access_token=tok-0123456789", secret: "SEC0123456789", msgtype: "markdown" },
    };
    const sealed = sealChannelConfig(channel, key);
    assert.ok(!sealed.includes("tok-0123456789"));
    assert.deepEqual(openChannel({ kind: "DINGTALK", configEnc: sealed }, key), channel);
    const summary = summarizeChannel(channel);
    assert.equal(summary, "DingTalk robot at oapi.dingtalk.com, signed, markdown");
    const email = summarizeChannel({
      kind: "EMAIL",
      config: { smtpUrl: "smtps://u:pw-secret@smtp.example.com:465", from: "a@example.com", to: ["b@example.com"] },
    });
    assert.ok(!email.includes("pw-secret"));
  });
});
