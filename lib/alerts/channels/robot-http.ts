// One POST of JSON to a group robot or a webhook, with a time limit. A robot
// answers HTTP 200 even when it refuses (bad signature, rate limit, unknown
// key) and says so in its JSON: the caller names the field that must be 0.
import { ChannelError } from "@/lib/alerts/channels/types";

export const CHANNEL_TIMEOUT_MS = 10_000;

export type RobotAnswer = { status: number; json: Record<string, unknown> | undefined; text: string };

export async function postJson(url: string, body: string, headers: Record<string, string> = {}): Promise<RobotAnswer> {
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8", ...headers },
      body,
      redirect: "error",
      signal: AbortSignal.timeout(CHANNEL_TIMEOUT_MS),
    });
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : "";
    const what = error instanceof Error && error.name === "TimeoutError" ? `no answer within ${CHANNEL_TIMEOUT_MS / 1000} s` : "request failed";
    throw new ChannelError(`${what}${cause}`);
  }
  const text = (await res.text()).slice(0, 2000);
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/**
 * A robot's answer is a success only when it is HTTP 2xx and one of `codeFields`
 * is present and 0 (DingTalk and WeCom `errcode`, Feishu `code`, or the older
 * Feishu `StatusCode`).
 */
export function checkRobotAnswer(answer: RobotAnswer, codeFields: readonly string[]): void {
  if (answer.status < 200 || answer.status > 299) throw new ChannelError(`HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
  const field = codeFields.find((f) => answer.json?.[f] !== undefined);
  if (!field) throw new ChannelError(`HTTP ${answer.status} without ${codeFields.join(" or ")} in the answer: ${answer.text.slice(0, 200)}`);
  const code = answer.json?.[field];
  if (code !== 0 && code !== "0") {
    const message = answer.json?.errmsg ?? answer.json?.msg ?? answer.json?.StatusMessage ?? "";
    throw new ChannelError(`refused: ${field} ${String(code)} ${String(message)}`.trim());
  }
}
