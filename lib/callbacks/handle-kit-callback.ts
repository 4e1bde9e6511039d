// The joint-operation Kit interfaces (SPEC §4), both generations, on the shared
// pipeline: V2 x-sign headers with the Kit key (§1.4) or V1 authToken header
// with the Kit key, then the basic key (§4.7); the zod schema of the path's
// sync; the lib/tenants and lib/org verbs; {resultCode, resultMsg} answers
// signed with the Kit key.
import { getEnv } from "@/lib/env";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { formatZodIssues } from "@/lib/errors";
import { isKitName, kitSchemas, type KitName, type KitRequest } from "@/lib/koogallery/schemas";
import { applyAllOrgSync } from "@/lib/org/apply-all-org-sync";
import { applySingleOrgSync } from "@/lib/org/apply-single-org-sync";
import { syncApplication } from "@/lib/tenants/sync-application";
import { syncTenant } from "@/lib/tenants/sync-tenant";
import { syncUserGrants } from "@/lib/tenants/sync-user-grants";
import type { KitContext, KitOutcome } from "@/lib/tenants/types";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { retryVerificationInfo, type RetryRequest } from "@/lib/callbacks/retry-audit";
import { runPipeline, type ParseResult } from "@/lib/callbacks/run-pipeline";
import { kitKeys, sentAtOfStoredCall, verifyV1KitCall, verifyV2Call, type Verification } from "@/lib/callbacks/verify-call";

export type KitRoute = { generation: "V1" | "V2"; kitName: string };

/** A full sync of a large tree outlasts Prisma's 5 s interactive-transaction default. */
const ALL_ORG_SYNC_TIMEOUT_MS = 60_000;

/** The log's endpoint name for a Kit path ("kit/tenantSync"). */
export function kitEndpointOf(kitName: string): string {
  return `kit/${kitName.slice(0, 64)}`;
}

const KIT_PATH = /^\/api\/koogallery\/saas\/produceAPI\/(?:(v2)\/)?([^/]+)\/?$/;

/** The Kit route a path names: `/api/koogallery/saas/produceAPI/v2/<name>` (V2) or `…/produceAPI/<name>` (V1). */
export function kitRouteOf(pathname: string): KitRoute | undefined {
  const match = KIT_PATH.exec(pathname);
  if (!match?.[2]) return undefined;
  let kitName: string;
  try {
    kitName = decodeURIComponent(match[2]);
  } catch {
    return undefined;
  }
  return { generation: match[1] ? "V2" : "V1", kitName };
}

type KitCall = { [N in KitName]: { name: N; req: KitRequest<N> } }[KitName];

function dispatch(ctx: KitContext, call: KitCall): Promise<KitOutcome> {
  switch (call.name) {
    case "tenantSync":
      return syncTenant(ctx, call.req);
    case "applicationSync":
      return syncApplication(ctx, call.req);
    case "authSync":
      return syncUserGrants(ctx, call.req);
    case "singleOrgSync":
      return applySingleOrgSync(ctx, call.req);
    case "allOrgSync":
      return applyAllOrgSync(ctx, call.req);
  }
}

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value.slice(0, 64) : undefined);

export async function handleKitCallback(
  call: IncomingCall,
  route: { generation: "V1" | "V2"; kitName: string },
  retry?: RetryRequest,
): Promise<CallbackAnswer> {
  const env = getEnv();
  const { generation, kitName } = route;
  const isKnown = isKitName(kitName);

  return runPipeline<KitCall, KitOutcome>({
    endpoint: kitEndpointOf(kitName),
    generation,
    call,
    retry,
    signKey: env.kitAccessKey,
    verify(): Verification {
      // The path is not signed: an unknown one is refused before anything else.
      if (!isKnown)
        return {
          ok: false,
          outcome: "MALFORMED",
          resultCode: ResultCode.INVALID_PARAMS,
          resultMsg: "unknown Kit interface",
          info: { kitName: kitName.slice(0, 64) },
          activity: kitName.slice(0, 64),
        };
      if (retry) {
        // A stored call was verified when it arrived; its signature has since expired.
        return {
          ok: true,
          payload: JSON.parse(call.rawBody) as Record<string, unknown>,
          sentAt: sentAtOfStoredCall(call, "kit", env.v1KitUtcOffsetMinutes),
          info: retryVerificationInfo(retry),
        };
      }
      return generation === "V2"
        ? verifyV2Call(call, "kit", [{ name: "kit", key: env.kitAccessKey }])
        : verifyV1KitCall(call, kitKeys(env), env.v1MaxSkewMs, env.v1KitUtcOffsetMinutes);
    },
    activityOf: () => kitName.slice(0, 64),
    parse(payload): ParseResult<KitCall> {
      if (!isKitName(kitName)) return { ok: false, resultCode: ResultCode.INVALID_PARAMS, resultMsg: "unknown Kit interface" };
      const parsed = kitSchemas[kitName].safeParse(payload);
      if (!parsed.success) return { ok: false, resultCode: ResultCode.INVALID_PARAMS, resultMsg: formatZodIssues(parsed.error) };
      return { ok: true, data: { name: kitName, req: parsed.data } as KitCall };
    },
    act: ({ tx, data, actor, callbackLogId, sentAt }) => dispatch({ tx, env, actor, callbackLogId, sentAt }, data),
    render: (outcome) => ({ resultCode: outcome.resultCode, resultMsg: outcome.resultMsg }),
    linksOf: (payload) => {
      const tenantId = text(payload.tenantId);
      const instanceId = text(payload.instanceId);
      const orderId = text(payload.orderId);
      return { ...(tenantId ? { tenantId } : {}), ...(instanceId ? { instanceId } : {}), ...(orderId ? { orderId } : {}) };
    },
    transactionTimeoutMs: kitName === "allOrgSync" ? ALL_ORG_SYNC_TIMEOUT_MS : undefined,
  });
}
