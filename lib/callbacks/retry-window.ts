// How much of KooGallery's retry window (lib/koogallery/retry-windows.ts, SPEC
// §9) is left for a failed call in the log: after it, a purchase or an upgrade
// is failed and refunded, a renewal or release is simply not sent again. Pure,
// so the maths is tested without a database.
import type { Generation } from "@/lib/generated/prisma/client";

import { isRetriedFailure, retryWindowOf, type RetryWindow as Policy } from "@/lib/koogallery/retry-windows";

const HOUR_MS = 60 * 60 * 1000;

/** KooGallery's retry policy for a call (lib/koogallery/retry-windows.ts holds the table, SPEC §9). */
export function retryPolicyOf(activity: string | null, generation: Generation): Policy | null {
  return retryWindowOf(activity, generation) ?? null;
}

export type RetryWindow = {
  windowHours: number;
  everyMinutes: number | null;
  /** KooGallery's first attempt at this request. */
  firstAttemptAt: Date;
  closesAt: Date;
  remainingSeconds: number;
  isOpen: boolean;
  /** A later call of the same request succeeded: KooGallery will not re-send it. */
  isSettled: boolean;
  isPurchase: boolean;
  afterWindow: string;
  source: string;
};

/**
 * The window for a failed call (SPEC §9: a non-000000 answer) with a documented retry policy, else null.
 * A call KooGallery will not re-send (settled) keeps its window for the record but is not open.
 */
export function computeRetryWindow(input: {
  activity: string | null;
  generation: Generation;
  resultCode: string;
  firstAttemptAt: Date;
  now: Date;
  isSettled: boolean;
}): RetryWindow | null {
  // newInstance's 000004 is not a failure to re-send: KooGallery polls queryInstance for the outcome (SPEC §2.1).
  if (!isRetriedFailure(input.activity, input.resultCode)) return null;
  const policy = retryPolicyOf(input.activity, input.generation);
  if (!policy) return null;
  const closesAt = new Date(input.firstAttemptAt.getTime() + policy.windowMs);
  const remainingMs = Math.max(0, closesAt.getTime() - input.now.getTime());
  return {
    windowHours: policy.windowMs / HOUR_MS,
    everyMinutes: policy.everyMs ? policy.everyMs / 60_000 : null,
    firstAttemptAt: input.firstAttemptAt,
    closesAt,
    remainingSeconds: Math.floor(remainingMs / 1000),
    isOpen: remainingMs > 0 && !input.isSettled,
    isSettled: input.isSettled,
    isPurchase: policy.isPurchase,
    afterWindow: policy.afterWindowText,
    source: policy.source,
  };
}

export { MAX_RETRY_WINDOW_MS } from "@/lib/koogallery/retry-windows";
