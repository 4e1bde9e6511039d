// What a staff re-run records about itself, in the new log row's
// verificationInfo (written in the same transaction as the re-run's changes):
// the call it re-ran, who ran it and, when a call that had succeeded was
// applied again on purpose, that it was a re-apply and why (ADR 0006).
import type { Prisma } from "@/lib/generated/prisma/client";
import type { RetryOptions } from "@/lib/callbacks/run-pipeline";

export const MAX_REAPPLY_REASON = 500;

export type RetryRequest = RetryOptions & {
  /** Set when the re-run call had succeeded: the operator confirmed it, with a reason. */
  reapply?: { reason: string };
};

export function retryVerificationInfo(retry: RetryRequest): Prisma.InputJsonObject {
  if (!retry.reapply) return { retryOf: retry.retryOfId, actor: retry.actor };
  return { retryOf: retry.retryOfId, actor: retry.actor, reapply: true, reason: retry.reapply.reason.slice(0, MAX_REAPPLY_REASON) };
}
