// react-query factories for the callback log, shared by the server prefetch of
// the detail page, the client reads and the mutations' invalidations.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { getJson, keysetPaging, sendJson, withParams, type Page, type Serialized } from "@/components/portal/queries";
import type { CallbackLogFilterInput } from "@/lib/callbacks/callback-log-filter";
import type { CallbackLogDetail } from "@/lib/callbacks/get-callback-log";
import type { CallbackLogSummary } from "@/lib/callbacks/list-callback-logs";
import type { BulkRetryResult } from "@/lib/callbacks/retry-matching-callbacks";

/** What a value looks like after JSON: dates become ISO strings. */

export type CallbackLogItem = Serialized<CallbackLogSummary>;
export type CallbackLogDetailJson = Serialized<CallbackLogDetail>;
export type BulkRetryResultJson = Serialized<BulkRetryResult>;
export type RetryOneResult = { logId: string | null; resultCode: string; resultMsg: string | null };

/** The list's filter as the pages hold it: every value a string the API reads, times as ISO. */
export type CallbackFilter = { [K in keyof CallbackLogFilterInput]?: string };

export const callbackKeys = {
  all: ["portal", "callbacks"] as const,
  lists: () => [...callbackKeys.all, "list"] as const,
  detail: (logId: string) => [...callbackKeys.all, "detail", logId] as const,
};

export const callbackQueries = {
  list: (filter: CallbackFilter) =>
    infiniteQueryOptions({
      queryKey: [...callbackKeys.lists(), filter],
      queryFn: ({ pageParam }) => getJson<Page<CallbackLogItem>>(withParams("/api/portal/callbacks", { ...filter, cursor: pageParam })),
      ...keysetPaging,
    }),
  detail: (logId: string) =>
    queryOptions({
      queryKey: callbackKeys.detail(logId),
      queryFn: () => getJson<CallbackLogDetailJson>(`/api/portal/callbacks/${encodeURIComponent(logId)}`),
    }),
};

const FLAGS = new Set(["includeTest", "retriesOnly", "failedOnly"]);

/** The filter as the bulk retry's JSON body wants it (flags as booleans). */
export function toFilterBody(filter: CallbackFilter): Record<string, string | boolean> {
  const body: Record<string, string | boolean> = {};
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === "") continue;
    body[key] = FLAGS.has(key) ? value === "1" || value === "true" : value;
  }
  return body;
}

export const callbackMutations = {
  retryOne: (logId: string) => sendJson<RetryOneResult>(`/api/portal/callbacks/${encodeURIComponent(logId)}/retry`, "POST", {}),
  /** A call that succeeded, applied again on purpose: the reason is recorded with the re-run. */
  reapplyOne: (logId: string, reason: string) =>
    sendJson<RetryOneResult>(`/api/portal/callbacks/${encodeURIComponent(logId)}/retry`, "POST", { reapply: true, reason }),
  retryMatching: (filter: CallbackFilter, dryRun: boolean) =>
    sendJson<BulkRetryResultJson>("/api/portal/callbacks/retry", "POST", { filter: toFilterBody(filter), dryRun }),
  /** One part of a run: only these calls of the plan, planned again (one that succeeded since is skipped). */
  retryPart: (filter: CallbackFilter, ids: string[]) =>
    sendJson<BulkRetryResultJson>("/api/portal/callbacks/retry", "POST", { filter: toFilterBody(filter), dryRun: false, ids }),
};
