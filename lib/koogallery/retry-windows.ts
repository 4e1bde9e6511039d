// How long KooGallery keeps re-sending a callback we failed (protocol:retry-windows.md), per
// activity. A failure is any answer other than success (and, for newInstance,
// other than 000004 "provisioning continues", which KooGallery follows with
// queryInstance instead of a retry: protocol:saas-interface.md#v2-newinstance). Once the window is over,
// KooGallery gives up: a purchase or an upgrade is failed and refunded, a
// renewal or a status change is simply not sent again. Pure: no clock, no DB.
import { ResultCode } from "@/lib/koogallery/result-codes";

const HOUR_MS = 60 * 60 * 1000;

export type RetryWindow = {
  /** How long after the first attempt KooGallery still retries. */
  windowMs: number;
  /** How often it re-sends within the window, where documented. */
  everyMs?: number;
  /** What happens when the window is over. */
  afterWindow: "order-refunded" | "not-resent";
  /** The same, for people. */
  afterWindowText: string;
  /** A purchase-type call: the buyer's money is at stake. */
  isPurchase: boolean;
  /** Only these generations document the retry (absent: both). */
  generations?: readonly ("V1" | "V2")[];
  /** Where protocol:retry-windows.md (or the section it summarises) says so. */
  source: string;
};

const REFUNDED = "the order fails and is automatically unsubscribed and refunded";
const NOT_RESENT = "KooGallery stops re-sending";

/**
 * By activity name as the callback log stores it (V1 and V2 names). Not
 * listed, so never retried automatically: queryInstance (KooGallery polls it
 * on its own schedule), updateInstanceStatus / instanceStatus, orderNotify and
 * the Kit syncs (protocol:retry-windows.md "buyer/admin decides to retry", protocol:kit-interface.md#failure-handling).
 */
export const RETRY_WINDOWS: Readonly<Record<string, RetryWindow>> = {
  // Documented for V1 新购商品 (protocol:saas-interface.md#v1-newinstance, saascenter_0131); the V2 page does not restate it, read as the same
  // (protocol:saas-interface.md#v2-newinstance).
  newInstance: {
    windowMs: 3 * HOUR_MS,
    everyMs: HOUR_MS,
    afterWindow: "order-refunded",
    afterWindowText: REFUNDED,
    isPurchase: true,
    source: "protocol:retry-windows.md newInstance: retried 3 h, once per hour, then failed and auto-unsubscribed (protocol:saas-interface.md#v2-newinstance)",
  },
  upgradeInstance: {
    windowMs: 3 * HOUR_MS,
    afterWindow: "order-refunded",
    afterWindowText: `the upgrade ${REFUNDED.slice(4)}`,
    isPurchase: true,
    source:
      "protocol:retry-windows.md upgrade (V1) / upgradeInstance: retried 3 h, then failed and unsubscribed (protocol:saas-interface.md#v2-upgradeinstance)",
  },
  upgrade: {
    windowMs: 3 * HOUR_MS,
    afterWindow: "order-refunded",
    afterWindowText: `the upgrade ${REFUNDED.slice(4)}`,
    isPurchase: true,
    source: "protocol:retry-windows.md upgrade (V1): retried 3 h, then failed and auto-unsubscribed",
  },
  // Only the Online License page states a window for renewals (protocol:saas-interface.md#v2-refreshinstance cites it for SaaS renewals too).
  refreshInstance: {
    windowMs: 2 * HOUR_MS,
    afterWindow: "not-resent",
    afterWindowText: "KooGallery stops re-sending; the renewal is not applied unless it is re-run here or restarted in the seller center",
    isPurchase: true,
    source: "protocol:retry-windows.md refreshInstance: retried 2 h, then stopped (manual restart) (protocol:saas-interface.md#v2-refreshinstance)",
  },
  expireInstance: {
    windowMs: 1 * HOUR_MS,
    afterWindow: "not-resent",
    afterWindowText: NOT_RESENT,
    isPurchase: false,
    generations: ["V1"],
    source: "protocol:retry-windows.md expireInstance (V1): retried 1 h, then stopped",
  },
  releaseInstance: {
    windowMs: 1 * HOUR_MS,
    afterWindow: "not-resent",
    afterWindowText: NOT_RESENT,
    isPurchase: false,
    generations: ["V1"],
    source: "protocol:retry-windows.md releaseInstance (V1): retried 1 h, then stopped",
  },
};

/** The activities that carry an order KooGallery retries, shown as "failing orders" on the dashboard. */
export const ORDER_ACTIVITIES = ["newInstance", "refreshInstance", "upgradeInstance", "upgrade"] as const;

/** The longest window of ORDER_ACTIVITIES: how far back a still-retried order can have started. */
export const MAX_ORDER_RETRY_WINDOW_MS = Math.max(...ORDER_ACTIVITIES.map((a) => RETRY_WINDOWS[a]?.windowMs ?? 0));

/** The window of an activity; with a generation, only where that generation documents it. */
export function retryWindowOf(activity: string | null | undefined, generation?: "V1" | "V2"): RetryWindow | undefined {
  const window = activity && Object.hasOwn(RETRY_WINDOWS, activity) ? RETRY_WINDOWS[activity] : undefined;
  if (window && generation && window.generations && !window.generations.includes(generation)) return undefined;
  return window;
}

/** The longest window of all: how far before a call KooGallery's first attempt can be. */
export const MAX_RETRY_WINDOW_MS = Math.max(...Object.values(RETRY_WINDOWS).map((w) => w.windowMs));

/** Whether KooGallery counts this answer as a failure it will retry. */
export function isRetriedFailure(activity: string | null | undefined, resultCode: string): boolean {
  if (resultCode === ResultCode.SUCCESS) return false;
  if (activity === "newInstance" && resultCode === ResultCode.IN_PROGRESS) return false;
  return true;
}

/**
 * Milliseconds of KooGallery's retry window left for a call first attempted at
 * `firstAttemptAt`, or undefined when the activity is not retried or the
 * window is over.
 */
export function retryTimeLeftMs(activity: string | null | undefined, firstAttemptAt: Date, now: Date): number | undefined {
  const window = retryWindowOf(activity);
  if (!window) return undefined;
  const left = firstAttemptAt.getTime() + window.windowMs - now.getTime();
  return left > 0 ? left : undefined;
}

// ---------------------------------------------------------------- a failed call's window, now

/** Where a failed call stands in its window: how much is left, and what happens after. */
export type RetryWindowState = {
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
 * The window for a failed call (protocol:retry-windows.md: a non-000000 answer) with a documented retry policy, else null.
 * A call KooGallery will not re-send (settled) keeps its window for the record but is not open.
 */
export function computeRetryWindow(input: {
  activity: string | null;
  generation: "V1" | "V2";
  resultCode: string;
  firstAttemptAt: Date;
  now: Date;
  isSettled: boolean;
}): RetryWindowState | null {
  // newInstance's 000004 is not a failure to re-send: KooGallery polls queryInstance for the outcome (protocol:saas-interface.md#v2-newinstance).
  if (!isRetriedFailure(input.activity, input.resultCode)) return null;
  const policy = retryWindowOf(input.activity, input.generation);
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
