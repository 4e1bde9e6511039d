// "Retry matching…": re-runs the failed calls a filter matches, one after the
// other, each through retryCallback (its own logged row, linked to the call it
// re-ran). A dry run answers what would happen. Per call, one of:
// - cannotRetry: failed verification (never stored) or an endpoint without re-runs;
// - alreadyApplied: the request has since succeeded (a later call of it, or a retry);
// - superseded: a newer call of another request succeeded for the same instance
//   (SaaS) or the same tenant and sync (Kit); re-running this one could undo it
//   (ADR 0006). A single retry is still possible, where the verbs' ordering applies;
// - duplicate: the same request as an older call in this run, which runs instead;
// - run.
// Runs are bounded: at most `limit` (≤ 500) calls, the newest that match; the
// answer says when more matched. The plan is made again at run time, so a stale
// dry run cannot make the run re-send a call that has succeeded since.
import { kitNameOfEndpoint } from "@/lib/callbacks/endpoint-catalog";
import { z } from "zod";
import type { Db } from "@/lib/db";
import { describeError, formatZodIssues, PortalError } from "@/lib/errors";
import { callbackLogFilterSchema, callbackLogWhere, type CallbackLogFilter } from "@/lib/callbacks/callback-log-filter";
import type { CallbackLogScope } from "@/lib/callbacks/callback-log-scope";
import { callbackLogSummarySelect, isRetryableEndpoint } from "@/lib/callbacks/list-callback-logs";
import { appliedByOf, describeRequests } from "@/lib/callbacks/request-identity";
import { retryCallback } from "@/lib/callbacks/retry-callback";
import { recordAudit } from "@/lib/audit/record-audit";
import type { Prisma } from "@/lib/generated/prisma/client";

export const MAX_BULK_RETRY = 500;
export const DEFAULT_BULK_RETRY = 100;

export type BulkDecision = "run" | "alreadyApplied" | "superseded" | "cannotRetry" | "duplicate";

export type BulkRetryItem = {
  id: string;
  receivedAt: Date;
  endpoint: string;
  activity: string | null;
  resultCode: string;
  decision: BulkDecision;
  /** For people: why this decision. */
  reason: string | null;
  appliedById: string | null;
  /** The newer successful call of another request that superseded this one. */
  supersededById: string | null;
  sameAsId: string | null;
  /** After a real run: the new log row and what it answered, or why the re-run could not start. */
  retry?: { logId: string | null; resultCode: string } | { error: string };
};

export type BulkRetryResult = {
  isDryRun: boolean;
  limit: number;
  /** More calls matched than the limit: only the newest `limit` were considered. */
  isCapped: boolean;
  message: string;
  counts: {
    considered: number;
    wouldRun: number;
    alreadyApplied: number;
    superseded: number;
    cannotRetry: number;
    duplicates: number;
    succeeded: number;
    failed: number;
  };
  /** Oldest first: the order the calls are (or would be) re-run in. */
  items: BulkRetryItem[];
};

/** The most calls one part of a run may name (the page sends one at a time). */
export const MAX_RUN_PART = 25;

const bulkRetryBodySchema = z.strictObject({
  filter: callbackLogFilterSchema.optional(),
  dryRun: z.boolean({ error: "must be true or false" }),
  limit: z
    .number({ error: "must be a number" })
    .int({ error: "must be a whole number" })
    .min(1, { error: "must be at least 1" })
    .max(MAX_BULK_RETRY, { error: `must be at most ${MAX_BULK_RETRY}: a run re-sends at most ${MAX_BULK_RETRY} calls` })
    .optional(),
  // A part of the run: only these calls of the plan (the page sends its dry run's calls a few at a time, so it can show
  // progress and stop between parts). Each is planned again with the filter: one that succeeded since is skipped.
  ids: z
    .array(z.string().min(1).max(100))
    .min(1, { error: "must name at least one call" })
    .max(MAX_RUN_PART, { error: `must name at most ${MAX_RUN_PART} calls` })
    .optional(),
});

export type BulkRetryBody = { filter: CallbackLogFilter; dryRun: boolean; limit?: number; ids?: string[] };

/** The bulk retry's JSON body, or a 400 naming the field. */
export function parseBulkRetryBody(value: unknown): BulkRetryBody {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new PortalError("bad_request", "body must be a JSON object: {filter, dryRun, limit?, ids?}");
  const parsed = bulkRetryBodySchema.safeParse(value);
  if (!parsed.success) throw new PortalError("bad_request", formatZodIssues(parsed.error));
  return { filter: parsed.data.filter ?? {}, dryRun: parsed.data.dryRun, limit: parsed.data.limit, ...(parsed.data.ids ? { ids: parsed.data.ids } : {}) };
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

export async function planBulkRetry(db: Db, scope: CallbackLogScope, filter: CallbackLogFilter, limit: number): Promise<Omit<BulkRetryResult, "message">> {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BULK_RETRY) throw new PortalError("bad_request", `limit must be between 1 and ${MAX_BULK_RETRY}`);
  // Only failed calls are ever re-run, whatever the filter says.
  const where = { AND: [scope, ...callbackLogWhere({ ...filter, failedOnly: true })] };
  const rows = await db.callbackLog.findMany({ where, orderBy: [{ receivedAt: "desc" }, { id: "desc" }], take: limit + 1, select: callbackLogSummarySelect });
  const isCapped = rows.length > limit;
  const chosen = rows.slice(0, limit).reverse();
  const ids = chosen.map((r) => r.id);
  // Which ones were stored, without reading the sealed text itself.
  const sealed = new Set((await db.callbackLog.findMany({ where: { id: { in: ids }, requestSealed: { not: null } }, select: { id: true } })).map((r) => r.id));
  const retryable = chosen.filter((r) => sealed.has(r.id) && isRetryableEndpoint(r.endpoint)).map((r) => r.id);
  const states = await describeRequests(db, retryable);
  const firstOfRequest = new Map<string, string>();

  const items = chosen.map((r): BulkRetryItem => {
    const base = {
      id: r.id,
      receivedAt: r.receivedAt,
      endpoint: r.endpoint,
      activity: r.activity,
      resultCode: r.resultCode,
      appliedById: null,
      supersededById: null,
      sameAsId: null,
    };
    if (!sealed.has(r.id)) {
      const why =
        r.verification === "OK" || r.verification === "RETRY"
          ? "the request was not stored"
          : `it failed verification (${r.verification}), so its request was never stored`;
      return { ...base, decision: "cannotRetry", reason: why };
    }
    if (!isRetryableEndpoint(r.endpoint)) return { ...base, decision: "cannotRetry", reason: `re-running ${r.endpoint} calls is not supported` };
    const state = states.get(r.id);
    const appliedById = appliedByOf(state);
    if (appliedById)
      return {
        ...base,
        decision: "alreadyApplied",
        appliedById,
        reason: state?.successfulRetryId ? "a retry of it succeeded" : "a later call of the same request succeeded",
      };
    if (state?.supersededById) {
      const kitName = kitNameOfEndpoint(r.endpoint);
      const what = kitName ? `the same tenant's ${kitName}` : "the same instance";
      return {
        ...base,
        decision: "superseded",
        supersededById: state.supersededById,
        reason: `a newer call for ${what} succeeded since; re-running this older one could undo it`,
      };
    }
    const fingerprint = state?.fingerprint ?? r.id;
    const first = firstOfRequest.get(fingerprint);
    if (first) return { ...base, decision: "duplicate", sameAsId: first, reason: "the same request as an older call in this run" };
    firstOfRequest.set(fingerprint, r.id);
    return { ...base, decision: "run", reason: null };
  });

  const count = (d: BulkDecision) => items.filter((i) => i.decision === d).length;
  return {
    isDryRun: true,
    limit,
    isCapped,
    counts: {
      considered: items.length,
      wouldRun: count("run"),
      alreadyApplied: count("alreadyApplied"),
      superseded: count("superseded"),
      cannotRetry: count("cannotRetry"),
      duplicates: count("duplicate"),
      succeeded: 0,
      failed: 0,
    },
    items,
  };
}

function summarise(result: Omit<BulkRetryResult, "message">): string {
  const c = result.counts;
  const parts = result.isDryRun
    ? [`${c.wouldRun} would run`, `${c.alreadyApplied} already applied`, `${c.superseded} superseded by a newer call`, `${c.cannotRetry} cannot be retried`]
    : [
        `${c.wouldRun} re-run (${c.succeeded} succeeded, ${c.failed} failed)`,
        `${c.alreadyApplied} already applied`,
        `${c.superseded} superseded by a newer call`,
        `${c.cannotRetry} cannot be retried`,
      ];
  if (c.duplicates > 0) parts.push(`${plural(c.duplicates, "duplicate", "duplicates")} of another call in this run`);
  const capped = result.isCapped
    ? ` More failed calls match than the limit of ${result.limit}: only the newest ${result.limit} were considered; ` +
      "narrow the filter (e.g. the time range) to reach the rest."
    : "";
  return `${parts.join(", ")}.${capped}`;
}

export async function retryMatchingCallbacks(
  db: Db,
  scope: CallbackLogScope,
  input: { filter: CallbackLogFilter; isDryRun: boolean; limit?: number; actor: string; onlyIds?: readonly string[] },
): Promise<BulkRetryResult> {
  // A part is planned over the widest window, so a call of the page's dry run is still in it when newer failures arrived.
  const plan = await planBulkRetry(db, scope, input.filter, input.limit ?? (input.onlyIds ? MAX_BULK_RETRY : DEFAULT_BULK_RETRY));
  const only = input.onlyIds ? new Set(input.onlyIds) : undefined;
  if (input.isDryRun) return { ...plan, message: summarise(plan) };
  let succeeded = 0;
  let failed = 0;
  // One at a time: each re-run is a transaction of its own, and calls of one
  // instance must apply in the order KooGallery sent them (oldest first).
  for (const item of plan.items) {
    if (item.decision !== "run" || (only && !only.has(item.id))) continue;
    try {
      const result = await retryCallback(item.id, input.actor);
      item.retry = { logId: result.logId, resultCode: result.resultCode };
      if (result.resultCode === "000000") succeeded++;
      else failed++;
    } catch (error) {
      failed++;
      item.retry = { error: error instanceof PortalError ? error.message : "internal error" };
      if (!(error instanceof PortalError)) console.error(`[callbacks] bulk retry of ${item.id} failed: ${describeError(error)}`);
    }
  }
  const result = { ...plan, isDryRun: false, counts: { ...plan.counts, succeeded, failed } };
  await recordAudit(db, {
    action: "callback.bulk-retry",
    actor: input.actor,
    subjectType: "callback",
    detail: {
      filter: JSON.parse(JSON.stringify(input.filter)) as Prisma.InputJsonObject,
      counts: result.counts,
      ...(input.onlyIds ? { part: input.onlyIds.length } : {}),
    },
  });
  return { ...result, message: summarise(result) };
}
