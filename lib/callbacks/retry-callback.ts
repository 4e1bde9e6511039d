// Re-runs a stored callback through the same pipeline (the portal's retry
// button). Only calls that passed verification were sealed, so only they can
// be re-run; the new attempt is logged as its own row linked to the original.
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import { openSecret } from "@/lib/crypto/secret-box";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import { handleKitCallback } from "@/lib/callbacks/handle-kit-callback";
import { handleSaasCallback, SAAS_ENDPOINT } from "@/lib/callbacks/handle-saas-callback";
import type { IncomingCall } from "@/lib/callbacks/record-callback";

export type RetryResult = { answer: CallbackAnswer; logId: string | null; resultCode: string };

export async function retryCallback(logId: string, actor: string): Promise<RetryResult> {
  const db = await getDb();
  const env = getEnv();
  const original = await db.callbackLog.findUnique({ where: { id: logId }, select: { id: true, endpoint: true, generation: true, requestSealed: true } });
  if (!original) throw new PortalError("not_found", "callback not found");
  if (!original.requestSealed) throw new PortalError("conflict", "only calls that passed verification can be re-run");
  const call = JSON.parse(openSecret(original.requestSealed, env.encryptionKey)) as IncomingCall;
  const retry = { retryOfId: original.id, actor };
  let answer: CallbackAnswer;
  if (original.endpoint === SAAS_ENDPOINT) answer = await handleSaasCallback(call, retry);
  else if (original.endpoint.startsWith("kit/")) {
    // The Kit's endpoint names the sync ("kit/authSync"); the log row keeps the generation.
    answer = await handleKitCallback(call, { generation: original.generation, kitName: original.endpoint.slice("kit/".length) }, retry);
  } else throw new PortalError("bad_request", `re-running ${original.endpoint} calls is not supported yet`);
  const row = await db.callbackLog.findFirst({ where: { retryOfId: original.id }, orderBy: { receivedAt: "desc" }, select: { id: true } });
  const resultCode = String((JSON.parse(answer.body) as { resultCode?: string }).resultCode ?? "");
  return { answer, logId: row?.id ?? null, resultCode };
}
