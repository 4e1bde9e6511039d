// WeCom (企业微信) group robot: the robot's key is in its webhook URL
// (…/cgi-bin/webhook/send?key=…), nothing is signed. Markdown content is at
// most 4096 bytes; a refusal is HTTP 200 with errcode != 0. ADR 0010.
import { checkRobotAnswer, postJson } from "@/lib/alerts/channels/robot-http";
import { messageText, type AlertMessage, type WecomConfig } from "@/lib/alerts/channels/types";

const MAX_CONTENT_BYTES = 4096;

function cutToBytes(text: string, max: number): string {
  if (Buffer.byteLength(text) <= max) return text;
  let out = text;
  while (Buffer.byteLength(out) > max - 3) out = out.slice(0, -16);
  return `${out}...`;
}

export function wecomBody(m: AlertMessage): Record<string, unknown> {
  const { heading, openLink } = messageText(m);
  const tail = `\n[${openLink}](${m.link})`;
  const content = cutToBytes(`**${heading}**\n${m.body}`, MAX_CONTENT_BYTES - Buffer.byteLength(tail)) + tail;
  return { msgtype: "markdown", markdown: { content } };
}

export async function sendWecom(config: WecomConfig, m: AlertMessage): Promise<void> {
  const answer = await postJson(config.url, JSON.stringify(wecomBody(m)));
  checkRobotAnswer(answer, ["errcode"]);
}
