// DingTalk group robot (自定义机器人). With "加签" (signing) on, every call
// carries `timestamp` (Unix ms, within an hour of DingTalk's clock) and `sign`
// = urlencode(base64(HMAC-SHA256(key = secret, message = timestamp + "\n" +
// secret))) as query parameters beside the robot's access_token. A refusal is
// HTTP 200 with errcode != 0 (310000 "sign not match"). ADR 0010.
import { createHmac } from "node:crypto";
import { checkRobotAnswer, postJson } from "@/lib/alerts/channels/robot-http";
import { messageText, type AlertMessage, type DingtalkConfig } from "@/lib/alerts/channels/types";

/** The signature before URL encoding (the query string encodes it). */
export function dingtalkSignature(secret: string, timestampMs: number): string {
  return createHmac("sha256", secret).update(`${timestampMs}\n${secret}`, "utf8").digest("base64");
}

/** The robot's URL with `timestamp` and `sign` added (URLSearchParams encodes `+`, `/` and `=` as urlencode does). */
export function signedDingtalkUrl(url: string, secret: string | undefined, now: Date = new Date()): string {
  if (!secret) return url;
  const u = new URL(url);
  const timestamp = now.getTime();
  u.searchParams.set("timestamp", String(timestamp));
  u.searchParams.set("sign", dingtalkSignature(secret, timestamp));
  return u.toString();
}

export function dingtalkBody(config: Pick<DingtalkConfig, "msgtype">, m: AlertMessage): Record<string, unknown> {
  const { heading, text, openLink } = messageText(m);
  if (config.msgtype === "text") return { msgtype: "text", text: { content: `${heading}\n\n${text}` } };
  // DingTalk's markdown breaks lines only on blank lines.
  const lines = m.body.split("\n").join("\n\n");
  return { msgtype: "markdown", markdown: { title: heading.slice(0, 100), text: `### ${heading}\n\n${lines}\n\n[${openLink}](${m.link})` } };
}

export async function sendDingtalk(config: DingtalkConfig, m: AlertMessage): Promise<void> {
  const answer = await postJson(signedDingtalkUrl(config.url, config.secret), JSON.stringify(dingtalkBody(config, m)));
  checkRobotAnswer(answer, ["errcode"]);
}
