// Re-runs a stored callback through the same pipeline (the portal's retry
// button). Only calls that passed verification were sealed, so only they can
// be re-run; the new attempt is logged as its own row linked to the original.
// A retry is for a call that failed. Applying a call that succeeded again is a
// deliberate act (it may undo what came after it, were the verbs not ordered):
// it needs `reapply` with a reason, which the new row records (ADR 0006).
import { z } from "zod";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { formatZodIssues, PortalError } from "@/lib/errors";
import { openSecret } from "@/lib/crypto/secret-box";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import { endpointDefinitionOf, handleCallback } from "@/lib/callbacks/endpoints";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { MAX_REAPPLY_REASON, type RetryRequest } from "@/lib/callbacks/retry-audit";
import { SUCCESS_CODE } from "@/lib/callbacks/callback-log-filter";
import { recordAudit } from "@/lib/audit/record-audit";

export type RetryResult = { answer: CallbackAnswer; logId: string | null; resultCode: string };

/** Confirms re-applying a call that succeeded; the reason is recorded with the re-run. */
export type RetryConfirmation = { reapply?: { reason: string } };

const retryBodySchema = z.strictObject({
  reapply: z.boolean({ error: "must be true or false" }).optional(),
  reason: z
    .string({ error: "must be a string" })
    .trim()
    .max(MAX_REAPPLY_REASON, { error: `must be at most ${MAX_REAPPLY_REASON} characters` })
    .optional(),
});

/** The retry's JSON body: `{}` (or none) for a failed call, `{"reapply": true, "reason": "…"}` to apply a successful one again. */
export function parseRetryBody(value: unknown): RetryConfirmation {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new PortalError("bad_request", 'body must be a JSON object: {} or {"reapply": true, "reason": "…"}');
  const parsed = retryBodySchema.safeParse(value);
  if (!parsed.success) throw new PortalError("bad_request", formatZodIssues(parsed.error));
  if (!parsed.data.reapply) return {};
  if (!parsed.data.reason) throw new PortalError("bad_request", "reason is required to re-apply a call: say why it must be applied again");
  return { reapply: { reason: parsed.data.reason } };
}

export async function retryCallback(logId: string, actor: string, confirmation: RetryConfirmation = {}): Promise<RetryResult> {
  const db = await getDb();
  const env = getEnv();
  const original = await db.callbackLog.findUnique({
    where: { id: logId },
    select: { id: true, endpoint: true, generation: true, resultCode: true, requestSealed: true },
  });
  if (!original) throw new PortalError("not_found", "callback not found", { key: "callbackNotFound" });
  if (!original.requestSealed) throw new PortalError("conflict", "only calls that passed verification can be re-run", { key: "callbackNotVerified" });
  if (original.resultCode === SUCCESS_CODE && !confirmation.reapply) {
    throw new PortalError(
      "conflict",
      "this call succeeded (000000): Retry is for failed calls. " +
        'To apply it again anyway, confirm with {"reapply": true, "reason": "…"}; the re-apply is recorded with your name and reason',
      { key: "callbackSucceeded" },
    );
  }
  const call = JSON.parse(openSecret(original.requestSealed, env.encryptionKey)) as IncomingCall;
  const retry: RetryRequest = { retryOfId: original.id, actor, ...(confirmation.reapply ? { reapply: confirmation.reapply } : {}) };
  // The log row names the endpoint and keeps the generation; the registry finds its pipeline.
  if (!endpointDefinitionOf(original.endpoint)) throw new PortalError("bad_request", `re-running ${original.endpoint} calls is not supported yet`);
  const answer = await handleCallback(original.endpoint, original.generation, call, retry);
  const row = await db.callbackLog.findFirst({
    where: { retryOfId: original.id },
    orderBy: { receivedAt: "desc" },
    select: { id: true, instanceId: true, tenantId: true },
  });
  const resultCode = String((JSON.parse(answer.body) as { resultCode?: string }).resultCode ?? "");
  // After the re-run, not in its transaction: the new log row (retryOfId, the actor in verificationInfo) is the
  // record written with the change; this entry puts it in the audit trail beside the other staff actions (ADR 0012).
  await recordAudit(db, {
    action: "callback.retry",
    actor,
    tenantId: row?.tenantId,
    instanceId: row?.instanceId,
    subjectType: "callback",
    subjectId: original.id,
    reason: confirmation.reapply?.reason,
    detail: { logId: row?.id ?? null, resultCode, ...(confirmation.reapply ? { reapply: true } : {}) },
  });
  return { answer, logId: row?.id ?? null, resultCode };
}
