// The production interface (/api/koogallery/saas), both generations, on the
// shared pipeline: V1 GET (authToken) or V2 POST (signature/timestamp/nonce),
// one zod schema per activity, the lib/instances verbs, the generation's answer.
import { getEnv, type Env } from "@/lib/env";
import type { Generation } from "@/lib/generated/prisma/client";
import { encryptV1Field } from "@/lib/koogallery/aes";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { formatZodIssues } from "@/lib/errors";
import { v1RequestSchema, v2BasicRequestSchema, type V1Request, type V2BasicRequest } from "@/lib/koogallery/schemas";
import { createAdapter, type AppInfo } from "@/lib/provisioning/adapters";
import { dispatchV1, dispatchV2 } from "@/lib/instances/saas-commands";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import type { SaasOutcome } from "@/lib/instances/types";
import { getDb } from "@/lib/db";
import { jobEvents, kickWorker } from "@/lib/jobs/worker";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { retryVerificationInfo, type RetryRequest } from "@/lib/callbacks/retry-audit";
import { runPipeline, type ParseResult } from "@/lib/callbacks/run-pipeline";
import { decodeStoredV1Query, refuse, sentAtOfStoredCall, verifyV1Call, verifyV2Call, v2BasicKeys, type Verification } from "@/lib/callbacks/verify-call";

export const SAAS_ENDPOINT = "saas";

function renderAppInfo(info: AppInfo | undefined, generation: Generation, env: Env): Record<string, unknown> | undefined {
  if (!info) return undefined;
  if (generation === "V2") return { ...info };
  // V1: userName and password travel AES-encrypted with the merchant key (SPEC §1.5).
  const encrypted: Record<string, unknown> = { ...info };
  if (info.userName) encrypted.userName = encryptV1Field(info.userName, env.accessKey, "1");
  if (info.password) encrypted.password = encryptV1Field(info.password, env.accessKey, "1");
  return encrypted;
}

/** The generation's answer body for an outcome (field order as documented). */
export function renderSaasAnswer(
  activity: string | undefined,
  generation: Generation,
  outcome: Pick<SaasOutcome, "resultCode" | "resultMsg" | "instanceId" | "appInfo" | "info">,
  env: Env,
): Record<string, unknown> {
  const fields: Record<string, unknown> = { resultCode: outcome.resultCode, resultMsg: outcome.resultMsg };
  const isV1 = generation === "V1";
  if (activity === "newInstance" && outcome.instanceId) {
    if (isV1 && outcome.appInfo) fields.encryptType = "1";
    fields.instanceId = outcome.instanceId;
    const appInfo = renderAppInfo(outcome.appInfo, generation, env);
    if (appInfo) fields.appInfo = appInfo;
  }
  if (activity === "queryInstance" && outcome.info) {
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

type SaasRequest = { generation: "V1"; req: V1Request } | { generation: "V2"; req: V2BasicRequest };

export async function handleSaasCallback(call: IncomingCall, retry?: RetryRequest): Promise<CallbackAnswer> {
  const env = getEnv();
  const generation: Generation = call.method === "GET" ? "V1" : "V2";
  const adapter = createAdapter(env);
  let activity: string | undefined;

  return runPipeline<SaasRequest, SaasOutcome>({
    endpoint: SAAS_ENDPOINT,
    generation,
    call,
    retry,
    signKey: env.accessKey,
    verify(): Verification {
      if (retry) {
        // A stored call was verified when it arrived; its signature has since expired.
        const payload = generation === "V1" ? decodeStoredV1Query(call, env.accessKey) : (JSON.parse(call.rawBody) as Record<string, unknown>);
        return { ok: true, payload, sentAt: sentAtOfStoredCall(call, "saas", env.v1KitUtcOffsetMinutes), info: retryVerificationInfo(retry) };
      }
      if (generation === "V1") return verifyV1Call(call, env.accessKey, env.v1MaxSkewMs);
      return refuseKeyOfOtherInterface(verifyV2Call(call, "basic", v2BasicKeys(env)));
    },
    activityOf(payload) {
      activity = typeof payload.activity === "string" ? payload.activity.slice(0, 64) : undefined;
      return activity;
    },
    parse(payload): ParseResult<SaasRequest> {
      const parsed = generation === "V1" ? v1RequestSchema.safeParse(payload) : v2BasicRequestSchema.safeParse(payload);
      if (parsed.success) return { ok: true, data: { generation, req: parsed.data } as SaasRequest };
      const isUnknownActivity = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === "activity");
      return {
        ok: false,
        resultCode: ResultCode.INVALID_PARAMS,
        resultMsg: isUnknownActivity ? "activity is missing or not supported" : formatZodIssues(parsed.error),
      };
    },
    act({ tx, data, actor, callbackLogId, sentAt }) {
      const ctx = { tx, env, adapter, generation, actor, callbackLogId, sentAt };
      return data.generation === "V1" ? dispatchV1(ctx, data.req) : dispatchV2(ctx, data.req);
    },
    atomic: {
      // The two calls KooGallery makes most (and the buyer's resource page
      // makes in real time) write in one statement.
      isFor: (data) => !retry && (data.req.activity === "newInstance" || data.req.activity === "queryInstance"),
      async act({ db, raw, data, actor, callbackLogId, sentAt, nonce, logRow }) {
        const ctx = { tx: db, raw, env, adapter, generation, actor, callbackLogId, sentAt };
        const atomic = { nonce, logRow };
        return data.generation === "V1" ? dispatchV1(ctx, data.req, atomic) : dispatchV2(ctx, data.req, atomic);
      },
    },
    render: (outcome) => renderSaasAnswer(activity, generation, outcome, env),
    linksOf: (payload) => (typeof payload.instanceId === "string" ? { instanceId: payload.instanceId.slice(0, 64) } : {}),
    afterCommit: (o) => {
      if (o.pendingProvisioning) kickWorker();
    },
    settle: {
      // Provisioning runs as a job: wait briefly so a fast backend still gets 000000.
      isNeeded: (o) => Boolean(o.pendingProvisioning && activity === "newInstance" && env.provisioning.syncTimeoutMs > 0),
      async run(o) {
        if (!o.instanceId) return o;
        await waitForProvisioning(o.instanceId, env.provisioning.syncTimeoutMs);
        const row = await (await getDb()).instance.findUnique({ where: { id: o.instanceId } });
        return row ? { ...outcomeForInstance(env, row, o.note), isTest: o.isTest } : o;
      },
    },
  });
}
