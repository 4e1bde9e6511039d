// Feishu / Lark custom bot (自定义机器人). With signature verification on, the
// JSON body carries `timestamp` (Unix seconds, as a string) and `sign` =
// base64(HMAC-SHA256(key = timestamp + "\n" + secret, message = empty)): the
// string is the key and nothing is hashed, unlike DingTalk. A refusal is HTTP
// 200 with code != 0 (19021 "sign match fail"). ADR 0010.
import { createHmac } from "node:crypto";
import { checkRobotAnswer, postJson } from "@/lib/alerts/channels/robot-http";
import { messageText, type AlertMessage, type FeishuConfig } from "@/lib/alerts/channels/types";

export function feishuSignature(secret: string, timestampSeconds: number): string {
  return createHmac("sha256", `${timestampSeconds}\n${secret}`).update(Buffer.alloc(0)).digest("base64");
}

export function feishuBody(secret: string | undefined, m: AlertMessage, now: Date = new Date()): Record<string, unknown> {
  const { heading, text } = messageText(m);
  const body: Record<string, unknown> = { msg_type: "text", content: { text: `${heading}\n\n${text}` } };
  if (!secret) return body;
  const timestamp = Math.floor(now.getTime() / 1000);
  return Object.assign({ timestamp: String(timestamp), sign: feishuSignature(secret, timestamp) }, body);
}

export async function sendFeishu(config: FeishuConfig, m: AlertMessage): Promise<void> {
  const answer = await postJson(config.url, JSON.stringify(feishuBody(config.secret, m)));
  checkRobotAnswer(answer, ["code", "StatusCode"]);
}
