// The production interface's endpoint, both generations, on the shared
// pipeline: V1 GET (authToken) or V2 POST (signature/timestamp/nonce), the
// activity table of saas-activities.ts, the generation's answer.
import type { Env } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import { encryptV1Field } from "@/lib/koogallery/aes";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { createAdapter, type AppInfo } from "@/lib/provisioning/adapters";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import { isProvisioningFailureAlerted } from "@/lib/alerts/raise-alert";
import { saasActivities } from "@/lib/instances/saas-activities";
import type { SaasContext, SaasOutcome } from "@/lib/instances/types";
import { getDb } from "@/lib/db";
import { jobEvents, kickWorker } from "@/lib/jobs/worker";
import type { EndpointEntry } from "@/lib/callbacks/endpoint-catalog";
import { retryVerificationInfo } from "@/lib/callbacks/retry-audit";
import type { EndpointDefinition } from "@/lib/callbacks/run-pipeline";
import { decodeStoredV1Query, refuse, sentAtOfStoredCall, verifyV1Call, verifyV2Call, v2BasicKeys, type Verification } from "@/lib/callbacks/verify-call";

function renderAppInfo(info: AppInfo | undefined, generation: Generation, env: Env): Record<string, unknown> | undefined {
  if (!info) return undefined;
  if (generation === "V2") return { ...info };
  // V1: userName and password travel AES-encrypted with the merchant key (protocol:encryption.md#v1-aes-fields).
  const encrypted: Record<string, unknown> = { ...info };
  if (info.userName) encrypted.userName = encryptV1Field(info.userName, env.accessKey, "1");
  if (info.password) encrypted.password = encryptV1Field(info.password, env.accessKey, "1");
  return encrypted;
}

/** The generation's answer body for an outcome, in the activity's answer shape (field order as documented). */
export function renderSaasAnswer(
  answer: string | undefined,
  generation: Generation,
  outcome: Pick<SaasOutcome, "resultCode" | "resultMsg" | "instanceId" | "appInfo" | "info">,
  env: Env,
): Record<string, unknown> {
  const fields: Record<string, unknown> = { resultCode: outcome.resultCode, resultMsg: outcome.resultMsg };
  const isV1 = generation === "V1";
  if (answer === "instance" && outcome.instanceId) {
    if (isV1 && outcome.appInfo) fields.encryptType = "1";
    fields.instanceId = outcome.instanceId;
    const appInfo = renderAppInfo(outcome.appInfo, generation, env);
    if (appInfo) fields.appInfo = appInfo;
  }
  if (answer === "instances" && outcome.info) {
    if (isV1) fields.encryptType = "1";
    fields.info = outcome.info.map((i) => {
      const appInfo = renderAppInfo(i.appInfo, generation, env);
      return appInfo ? { instanceId: i.instanceId, appInfo } : { instanceId: i.instanceId };
    });
  }
  return fields;
}

function waitForProvisioning(instanceId: string, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const event = `provision-instance:${instanceId}`;
    const done = () => {
      clearTimeout(timer);
      jobEvents.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    jobEvents.on(event, done);
  });
}

/** The activities the License-code key (License授权码交付接口) is bound to; the seller center binds one key per interface type. */
const LICENSE_CODE_ACTIVITIES: ReadonlySet<string> = new Set(["refreshLicenseCode", "updateLicenseCodeStatus", "releaseLicenseCode"]);

/**
 * A call signed with the License-code key is only good for a License-code
 * activity: that key is bound to that interface type alone, so on any other
 * activity it is authentication that failed (000001), not a valid call.
 */
export function refuseKeyOfOtherInterface(v: Verification): Verification {
  if (!v.ok || v.info.key !== "licenseCode") return v;
  const activity = typeof v.payload.activity === "string" ? v.payload.activity : "";
  if (LICENSE_CODE_ACTIVITIES.has(activity)) return v;
  return refuse(
    "BAD_SIGNATURE",
    ResultCode.AUTH_FAILED,
    "authentication failed",
    { ...v.info, reason: "signed with the License-code key, which is bound to the License-code interfaces only" },
    activity.slice(0, 64),
  );
}

/** The SaaS endpoint's behaviour, for its catalog row (lib/callbacks/endpoints.ts pairs them). */
export function saasEndpoint(entry: EndpointEntry): EndpointDefinition<SaasContext, SaasOutcome> {
  return {
    entry,
    activities: saasActivities,
    signKeyOf: (env) => env.accessKey,
    verify(call, generation, env, retry): Verification {
      if (retry) {
        // A stored call was verified when it arrived; its signature has since expired.
        const payload = generation === "V1" ? decodeStoredV1Query(call, env.accessKey) : (JSON.parse(call.rawBody) as Record<string, unknown>);
        return { ok: true, payload, sentAt: sentAtOfStoredCall(call, "saas", env.v1KitUtcOffsetMinutes), info: retryVerificationInfo(retry) };
      }
      if (generation === "V1") return verifyV1Call(call, env.accessKey, env.v1MaxSkewMs);
      return refuseKeyOfOtherInterface(verifyV2Call(call, "basic", v2BasicKeys(env)));
    },
    activityOf: (payload) => (typeof payload.activity === "string" ? payload.activity : undefined),
    contextOf: (base, generation, env) => Object.assign(base, { env, adapter: createAdapter(env), generation }),
    render: (activity, generation, outcome, env) => renderSaasAnswer(activity.answer, generation, outcome, env),
    linksOf: (payload) => (typeof payload.instanceId === "string" ? { instanceId: payload.instanceId.slice(0, 64) } : {}),
    afterCommit: (o) => {
      if (o.pendingProvisioning) kickWorker();
    },
    settle: {
      // Provisioning runs as a job: an answer that carries the new instance waits briefly, so a fast backend still gets 000000.
      isNeeded: (activity, o, env) => Boolean(o.pendingProvisioning && activity.answer === "instance" && env.provisioning.syncTimeoutMs > 0),
      async run(o, env) {
        if (!o.instanceId) return o;
        await waitForProvisioning(o.instanceId, env.provisioning.syncTimeoutMs);
        const db = await getDb();
        const row = await db.instance.findUnique({ where: { id: o.instanceId } });
        if (!row) return o;
        const isAlerted = row.provisionStatus === "FAILED" && (await isProvisioningFailureAlerted(db, row.id));
        return Object.assign(outcomeForInstance(env, row, o.note, isAlerted), { isTest: o.isTest });
      },
    },
  };
}
