// One callback log row for the portal: the masked request and response, the
// signature check explained (key named, never shown), what the handler did
// (its note, the instance/order/tenant it touched, the events it recorded),
// the retry chain, whether the request has since succeeded, and how much of
// KooGallery's retry window is left. Never the sealed request. What the viewer
// reads depends on who they are (scope.reader): URL credentials and configured
// secrets are redacted for everyone; signatures are fingerprints for all but
// operators and owners; tenant admins read no back-end error text and no
// staff names (ADR 0006).
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { fingerprintSignatures } from "@/lib/callbacks/mask";
import { handlerNoteFor, redactDeep, redactText, secretValuesOf } from "@/lib/portal/error-text";
import type { InstanceState, Prisma } from "@/lib/generated/prisma/client";
import { SUCCESS_CODE } from "@/lib/callbacks/callback-log-filter";
import type { CallbackViewerScope } from "@/lib/callbacks/callback-log-scope";
import { explainVerification, type SignatureCheck } from "@/lib/callbacks/explain-verification";
import { callbackLogSummarySelect, isRetryableEndpoint, toSummary, type CallbackLogSummary } from "@/lib/callbacks/list-callback-logs";
import { appliedByOf, describeRequests, findFirstAttempt } from "@/lib/callbacks/request-identity";
import { computeRetryWindow, MAX_RETRY_WINDOW_MS, retryWindowOf, type RetryWindowState } from "@/lib/koogallery/retry-windows";

export type HandlerEffects = {
  note: string | null;
  instance: { id: string; isKnown: boolean; state: InstanceState | null } | null;
  order: { orderId: string; orderLineId: string | null } | null;
  /** tenantRowId: the portal's tenant page, when the viewer may open it. */
  tenant: { tenantId: string; tenantRowId: string | null; name: string | null } | null;
  instanceEvents: { id: string; kind: string; fromState: InstanceState | null; toState: InstanceState | null; actor: string; createdAt: Date }[];
  syncEvents: { id: string; kind: string; flag: number | null; counts: Prisma.JsonValue; tenantRowId: string; createdAt: Date }[];
};

export type CallbackLogDetail = CallbackLogSummary & {
  /** Masked when logged: {path, query, headers, body}. */
  request: Prisma.JsonValue;
  /** The answer we sent, masked when logged. */
  response: unknown;
  signature: SignatureCheck;
  handler: HandlerEffects;
  /** Re-runs of this call, oldest first. */
  retries: CallbackLogSummary[];
  /** The call this one re-ran, when it is a retry. */
  original: CallbackLogSummary | null;
  /** Why the retry button is off (null when it is on). */
  cannotRetryReason: string | null;
  /** A later call of the same request, or a retry of this one, that succeeded. */
  appliedById: string | null;
  /** A newer call of another request for the same instance (or tenant and sync) that succeeded since. */
  supersededById: string | null;
  retryWindow: RetryWindowState | null;
};

function parseResponse(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function cannotRetryReason(row: { requestSealed: string | null; endpoint: string; verification: string }): string | null {
  if (!row.requestSealed) {
    return row.verification === "OK" || row.verification === "RETRY"
      ? "The request was not stored, so it cannot be re-run."
      : `The call failed verification (${row.verification}); only verified calls are stored for a re-run.`;
  }
  if (!isRetryableEndpoint(row.endpoint)) return `Re-running ${row.endpoint} calls is not supported.`;
  return null;
}

/** The first call of a retry chain (a retry of a retry leads back to KooGallery's call). */
async function chainRoot(db: Db, row: { id: string; retryOfId: string | null; receivedAt: Date }): Promise<{ id: string; receivedAt: Date }> {
  let current: { id: string; retryOfId: string | null; receivedAt: Date } = row;
  for (let depth = 0; current.retryOfId && depth < 20; depth++) {
    const parent = await db.callbackLog.findUnique({ where: { id: current.retryOfId }, select: { id: true, retryOfId: true, receivedAt: true } });
    if (!parent) break;
    current = parent;
  }
  return current;
}

async function handlerEffects(
  db: Db,
  scope: CallbackViewerScope,
  row: { id: string; handlerNote: string | null; instanceId: string | null; orderId: string | null; orderLineId: string | null; tenantId: string | null },
  secrets: readonly string[],
): Promise<HandlerEffects> {
  const isStaff = scope.reader !== "tenantAdmin";
  const [instance, tenants] = await Promise.all([
    row.instanceId ? db.instance.findFirst({ where: { AND: [{ id: row.instanceId }, scope.instances] }, select: { id: true, state: true } }) : null,
    row.tenantId
      ? db.tenant.findMany({
          where: { AND: [{ tenantId: row.tenantId }, scope.tenants] },
          select: { id: true, name: true, instanceKey: true, deletedAt: true },
          orderBy: { createdAt: "asc" },
          take: 20,
        })
      : [],
  ]);
  const [instanceEvents, syncEvents] = await Promise.all([
    instance
      ? db.instanceEvent.findMany({
          where: { instanceId: instance.id, callbackLogId: row.id },
          select: { id: true, kind: true, fromState: true, toState: true, actor: true, createdAt: true },
          orderBy: { createdAt: "asc" },
        })
      : [],
    tenants.length > 0
      ? db.syncEvent.findMany({
          where: { tenantRowId: { in: tenants.map((t) => t.id) }, callbackLogId: row.id },
          select: { id: true, kind: true, flag: true, counts: true, tenantRowId: true, createdAt: true },
          orderBy: { createdAt: "asc" },
        })
      : [],
  ]);
  // The tenant row of this call's instance, else the live one, else any.
  const tenant = tenants.find((t) => t.instanceKey === (row.instanceId ?? "")) ?? tenants.find((t) => !t.deletedAt) ?? tenants[0];
  return {
    note: handlerNoteFor(row.handlerNote, { isStaff, secrets }),
    instance: row.instanceId ? { id: row.instanceId, isKnown: instance !== null, state: instance?.state ?? null } : null,
    order: row.orderId ? { orderId: row.orderId, orderLineId: row.orderLineId } : null,
    tenant: row.tenantId ? { tenantId: row.tenantId, tenantRowId: tenant?.id ?? null, name: tenant?.name ?? null } : null,
    instanceEvents: isStaff ? instanceEvents : instanceEvents.map((e) => ({ ...e, actor: e.actor.startsWith("staff:") ? "merchant staff" : e.actor })),
    syncEvents,
  };
}

/** A summary as people read it: our answer's message, URL credentials removed. */
function shownSummary(row: Parameters<typeof toSummary>[0]): CallbackLogSummary {
  const summary = toSummary(row);
  return summary.resultMsg ? { ...summary, resultMsg: redactText(summary.resultMsg, []) } : summary;
}

export async function getCallbackLog(db: Db, scope: CallbackViewerScope, logId: string, now = new Date()): Promise<CallbackLogDetail | null> {
  const row = await db.callbackLog.findFirst({
    where: { AND: [{ id: logId }, scope.logs] },
    select: { ...callbackLogSummarySelect, verificationInfo: true, requestMasked: true, responseMasked: true, requestSealed: true, handlerNote: true },
  });
  if (!row) return null;
  const { verificationInfo, requestMasked, responseMasked, requestSealed, handlerNote, ...summaryRow } = row;
  const isFailed = row.resultCode !== SUCCESS_CODE;
  const secrets = secretValuesOf(getEnv());
  const [retries, original, handler, states] = await Promise.all([
    db.callbackLog.findMany({
      where: { AND: [{ retryOfId: row.id }, scope.logs] },
      orderBy: [{ receivedAt: "asc" }, { id: "asc" }],
      take: 100,
      select: callbackLogSummarySelect,
    }),
    row.retryOfId ? db.callbackLog.findFirst({ where: { AND: [{ id: row.retryOfId }, scope.logs] }, select: callbackLogSummarySelect }) : null,
    handlerEffects(
      db,
      scope,
      { id: row.id, handlerNote, instanceId: row.instanceId, orderId: row.orderId, orderLineId: row.orderLineId, tenantId: row.tenantId },
      secrets,
    ),
    isFailed ? describeRequests(db, [row.id]) : new Map(),
  ]);
  const appliedById = appliedByOf(states.get(row.id));

  let retryWindow: RetryWindowState | null = null;
  if (isFailed && row.activity && retryWindowOf(row.activity, row.generation)) {
    // KooGallery's window runs from its first attempt at the request, not from our re-runs.
    // A retry re-runs the same request, so the chain's first call has the same activity.
    const root = row.retryOfId ? await chainRoot(db, row) : row;
    const firstAttemptAt = await findFirstAttempt(db, { id: root.id, receivedAt: root.receivedAt, activity: row.activity }, MAX_RETRY_WINDOW_MS);
    retryWindow = computeRetryWindow({
      activity: row.activity,
      generation: row.generation,
      resultCode: row.resultCode,
      firstAttemptAt,
      now,
      isSettled: appliedById !== null,
    });
  }

  const reason = cannotRetryReason({ requestSealed, endpoint: row.endpoint, verification: row.verification });
  const request = redactDeep(requestMasked, secrets);
  return {
    ...shownSummary(summaryRow),
    canRetry: reason === null,
    request: scope.reader === "operator" ? request : (fingerprintSignatures(request) as Prisma.JsonValue),
    response: redactDeep(parseResponse(responseMasked), secrets),
    signature: explainVerification({
      verification: row.verification,
      verificationInfo,
      endpoint: row.endpoint,
      generation: row.generation,
      retryOfId: row.retryOfId,
      reader: scope.reader,
    }),
    handler,
    retries: retries.map(shownSummary),
    original: original ? shownSummary(original) : null,
    cannotRetryReason: reason,
    appliedById,
    supersededById: states.get(row.id)?.supersededById ?? null,
    retryWindow,
  };
}
