// The joint-operation Kit endpoints (protocol:kit-interface.md), one per sync, both generations,
// on the shared pipeline: V2 x-sign headers with the Kit key (protocol:signatures.md#kit-x-sign) or V1
// authToken header with the Kit key, then the basic key (protocol:kit-interface.md#v1-kit-differences); the sync's
// schema and verb (lib/tenants, lib/org); {resultCode, resultMsg} answers
// signed with the Kit key.
import { defineActivity, type Activity } from "@/lib/callbacks/activity";
import { kitNameOfEndpoint, type EndpointEntry } from "@/lib/callbacks/endpoint-catalog";
import { retryVerificationInfo } from "@/lib/callbacks/retry-audit";
import type { EndpointDefinition } from "@/lib/callbacks/run-pipeline";
import { kitKeys, sentAtOfStoredCall, verifyV1KitCall, verifyV2Call, type Verification } from "@/lib/callbacks/verify-call";
import type { KitName } from "@/lib/koogallery/activity-names";
import { kitSchemas } from "@/lib/koogallery/schemas";
import { applyAllOrgSync } from "@/lib/org/apply-all-org-sync";
import { applySingleOrgSync } from "@/lib/org/apply-single-org-sync";
import { syncApplication } from "@/lib/tenants/sync-application";
import { syncTenant } from "@/lib/tenants/sync-tenant";
import { syncUserGrants } from "@/lib/tenants/sync-user-grants";
import type { KitContext, KitOutcome } from "@/lib/tenants/types";

/** A full sync of a large tree outlasts Prisma's 5 s interactive-transaction default. */
const ALL_ORG_SYNC_TIMEOUT_MS = 60_000;

/** The Kit's activity table: each sync is its own endpoint and its only activity. Never re-sent by KooGallery (no retry window). */
const kitActivities: Record<KitName, Activity<KitContext, KitOutcome>> = {
  tenantSync: defineActivity({ schema: kitSchemas.tenantSync, act: syncTenant }),
  applicationSync: defineActivity({ schema: kitSchemas.applicationSync, act: syncApplication }),
  authSync: defineActivity({ schema: kitSchemas.authSync, act: syncUserGrants }),
  singleOrgSync: defineActivity({ schema: kitSchemas.singleOrgSync, act: applySingleOrgSync }),
  allOrgSync: defineActivity({ schema: kitSchemas.allOrgSync, act: applyAllOrgSync, transactionTimeoutMs: ALL_ORG_SYNC_TIMEOUT_MS }),
};

const text = (value: unknown) => (typeof value === "string" && value !== "" ? value.slice(0, 64) : undefined);

/** A Kit endpoint's behaviour, for its catalog row (lib/callbacks/endpoints.ts pairs them). */
export function kitEndpoint(entry: EndpointEntry): EndpointDefinition<KitContext, KitOutcome> {
  const kitName = kitNameOfEndpoint(entry.name) as KitName;
  const table = { [kitName]: kitActivities[kitName] };
  return {
    entry,
    activities: { V1: table, V2: table },
    signKeyOf: (env) => env.kitAccessKey,
    verify(call, generation, env, retry): Verification {
      if (retry) {
        // A stored call was verified when it arrived; its signature has since expired.
        const payload = JSON.parse(call.rawBody) as Record<string, unknown>;
        return { ok: true, payload, sentAt: sentAtOfStoredCall(call, "kit", env.v1KitUtcOffsetMinutes), info: retryVerificationInfo(retry) };
      }
      return generation === "V2"
        ? verifyV2Call(call, "kit", [{ name: "kit", key: env.kitAccessKey }])
        : verifyV1KitCall(call, kitKeys(env), env.v1MaxSkewMs, env.v1KitUtcOffsetMinutes);
    },
    activityOf: () => kitName,
    // Kit activities run in the pipeline's transaction: `tx` is one.
    contextOf: (base, _generation, env) => ({
      tx: base.tx as KitContext["tx"],
      env,
      actor: base.actor,
      callbackLogId: base.callbackLogId,
      sentAt: base.sentAt,
    }),
    render: (_activity, _generation, outcome) => ({ resultCode: outcome.resultCode, resultMsg: outcome.resultMsg }),
    linksOf: (payload) => {
      const links: KitOutcome["links"] = {};
      const tenantId = text(payload.tenantId);
      const instanceId = text(payload.instanceId);
      const orderId = text(payload.orderId);
      if (tenantId) links.tenantId = tenantId;
      if (instanceId) links.instanceId = instanceId;
      if (orderId) links.orderId = orderId;
      return links;
    },
  };
}
