// How long KooGallery keeps re-sending a failed call (SPEC §9), and how much of
// that window is left for a failed call: after it, a purchase or an upgrade is
// failed and refunded, a renewal or release is simply not sent again. Pure, so
// the maths is tested without a database.
import type { Generation } from "@/lib/generated/prisma/client";
import { SUCCESS_CODE } from "@/lib/callbacks/callback-log-filter";

const HOUR_MS = 60 * 60 * 1000;
const IN_PROGRESS_CODE = "000004";

export type RetryPolicy = {
  /** KooGallery stops re-sending this long after its first attempt. */
  windowMs: number;
  /** How often it re-sends within the window, when documented. */
  everyMs?: number;
  /** What happens when the window closes without a success. */
  afterWindow: string;
  /** Where the SPEC says so. */
  source: string;
  /** A purchase-type call: the buyer's money is at stake (failed ⇒ refunded). */
  isPurchase: boolean;
};

/**
 * Per activity (and generation when only one generation has it). Activities
 * not listed have no documented automatic retry: queryInstance (KooGallery
 * polls it on its own schedule), updateInstanceStatus / instanceStatus,
 * orderNotify, and the Kit syncs (SPEC §9: "buyer/admin decides to retry";
 * §4 "Failure handling").
 */
const POLICIES: Record<string, RetryPolicy | { V1?: RetryPolicy; V2?: RetryPolicy }> = {
  // SPEC §9 "newInstance (SaaS V1/V2, License) | retried for 3 h, once per hour; manual 重新启动; then order
  // failed & auto-unsubscribed" (V1 新购商品, saascenter_0131; §2.1: the V2 page does not restate it, inferred same).
  newInstance: {
    windowMs: 3 * HOUR_MS,
    everyMs: HOUR_MS,
    afterWindow: "the order fails and is automatically unsubscribed and refunded",
    source: "SPEC §9 (newInstance), §2.1",
    isPurchase: true,
  },
  // SPEC §9 "upgrade (V1) / upgradeInstance | retried 3 h; then failed & auto-unsubscribed" (V1 商品升级; §2.6).
  upgradeInstance: { windowMs: 3 * HOUR_MS, afterWindow: "the upgrade order fails and is automatically unsubscribed and refunded", source: "SPEC §9 (upgradeInstance), §2.6", isPurchase: true },
  upgrade: { windowMs: 3 * HOUR_MS, afterWindow: "the upgrade order fails and is automatically unsubscribed and refunded", source: "SPEC §9 (upgrade, V1)", isPurchase: true },
  // SPEC §9 "refreshInstance (Online License) | retried 2 h then stop; manual restart"; §2.2 cites the same page
  // for SaaS renewals: "Failure risks the customer's resource being released".
  refreshInstance: { windowMs: 2 * HOUR_MS, afterWindow: "KooGallery stops re-sending; the renewal is not applied unless it is re-run here or restarted in the seller center", source: "SPEC §9 (refreshInstance), §2.2", isPurchase: true },
  // SPEC §9 "expireInstance (V1) | retried 1 h then stop" (V1 商品过期).
  expireInstance: { V1: { windowMs: HOUR_MS, afterWindow: "KooGallery stops re-sending", source: "SPEC §9 (expireInstance, V1)", isPurchase: false } },
  // SPEC §9 "releaseInstance (V1) | retried 1 h then stop (one copy: called once)" (V1 资源释放); V2 undocumented.
  releaseInstance: { V1: { windowMs: HOUR_MS, afterWindow: "KooGallery stops re-sending", source: "SPEC §9 (releaseInstance, V1)", isPurchase: false } },
};

export function retryPolicyOf(activity: string | null, generation: Generation): RetryPolicy | null {
  if (!activity || !Object.hasOwn(POLICIES, activity)) return null;
  const entry = POLICIES[activity]!;
  if ("windowMs" in entry) return entry;
  return entry[generation] ?? null;
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
export function computeRetryWindow(input: { activity: string | null; generation: Generation; resultCode: string; firstAttemptAt: Date; now: Date; isSettled: boolean }): RetryWindow | null {
  // 000004 is not a failure to re-send: KooGallery polls queryInstance for the outcome (SPEC §2.1).
  if (input.resultCode === SUCCESS_CODE || input.resultCode === IN_PROGRESS_CODE) return null;
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
    afterWindow: policy.afterWindow,
    source: policy.source,
  };
}

/** The longest window: how far back before a call its first attempt can be. */
export const MAX_RETRY_WINDOW_MS = Math.max(...Object.values(POLICIES).flatMap((p) => ("windowMs" in p ? [p.windowMs] : [p.V1?.windowMs ?? 0, p.V2?.windowMs ?? 0])));
