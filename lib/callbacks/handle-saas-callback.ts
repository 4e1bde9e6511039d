// The production interface pipeline (/api/koogallery/saas), both generations:
// verify (signature, window) → parse (zod per activity) → act in one
// transaction that also claims the nonce and writes the log → answer.
// A stored call re-run by staff enters at "parse" with verification RETRY.
import { getDb } from "@/lib/db";
import { getEnv, type Env } from "@/lib/env";
import { CallbackError, describeError } from "@/lib/errors";
import type { Generation } from "@/lib/generated/prisma/client";
import { encryptV1Field } from "@/lib/koogallery/aes";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { formatZodIssues, v1RequestSchema, v2BasicRequestSchema } from "@/lib/koogallery/schemas";
import { createAdapter } from "@/lib/provisioning/adapters";
import type { AppInfo } from "@/lib/provisioning/adapters";
import { dispatchV1, dispatchV2 } from "@/lib/instances/saas-commands";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import type { SaasContext, SaasOutcome } from "@/lib/instances/types";
import { jobEvents, kickWorker } from "@/lib/jobs/worker";
import { buildAnswer, type CallbackAnswer } from "@/lib/callbacks/answer";
import { recordCallback, type CallbackLogEntry, type IncomingCall } from "@/lib/callbacks/record-callback";
import { verifyV1Call, verifyV2Call, v2BasicKeys, type Verification } from "@/lib/callbacks/verify-call";

export const SAAS_ENDPOINT = "saas";

export type RetryOptions = { retryOfId: string; actor: string };

class ReplayError extends Error {}

function generationOf(call: IncomingCall): Generation {
  return call.method === "GET" ? "V1" : "V2";
}

function renderAppInfo(info: AppInfo | undefined, generation: Generation, env: Env): Record<string, unknown> | undefined {
  if (!info) return undefined;
  if (generation === "V2") return { ...info };
  // V1: userName and password travel AES-encrypted with the merchant key (SPEC §1.5).
  return {
    ...info,
    ...(info.userName ? { userName: encryptV1Field(info.userName, env.accessKey, "1") } : {}),
    ...(info.password ? { password: encryptV1Field(info.password, env.accessKey, "1") } : {}),
  };
}

/** The generation's answer body for an outcome (field order as documented). */
export function renderSaasAnswer(activity: string | undefined, generation: Generation, outcome: Pick<SaasOutcome, "resultCode" | "resultMsg" | "instanceId" | "appInfo" | "info">, env: Env): Record<string, unknown> {
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

function verify(call: IncomingCall, env: Env, retry?: RetryOptions): Verification {
  if (retry) {
    // A stored call was verified when it arrived; its signature has since expired.
    const payload = generationOf(call) === "V1" ? Object.fromEntries(new URL(call.url).searchParams.entries()) : (JSON.parse(call.rawBody) as Record<string, unknown>);
    return { ok: true, payload, info: { retryOf: retry.retryOfId } };
  }
  return generationOf(call) === "V1" ? verifyV1Call(call, env.accessKey, env.v1MaxSkewMs) : verifyV2Call(call, "basic", v2BasicKeys(env));
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

export async function handleSaasCallback(call: IncomingCall, retry?: RetryOptions): Promise<CallbackAnswer> {
  const startedAt = performance.now();
  const env = getEnv();
  const db = await getDb();
  const generation = generationOf(call);
  const base = { endpoint: SAAS_ENDPOINT, generation, call, startedAt, retryOfId: retry?.retryOfId };
  const answerAndLog = async (fields: Record<string, unknown>, entry: Omit<CallbackLogEntry, keyof typeof base | "responseBody" | "resultCode" | "resultMsg">) => {
    const answer = buildAnswer(fields, env.accessKey);
    await recordCallback(db, { ...base, ...entry, resultCode: String(fields.resultCode), resultMsg: String(fields.resultMsg ?? ""), responseBody: answer.body }).catch((error: unknown) => {
      console.error(`[callbacks] could not write the log: ${describeError(error)}`);
    });
    return answer;
  };

  // 1. Verify: nothing below runs for a call we cannot authenticate.
  const verified = verify(call, env, retry);
  if (!verified.ok) {
    return answerAndLog({ resultCode: verified.resultCode, resultMsg: verified.resultMsg }, { activity: verified.activity, verification: verified.outcome, verificationInfo: verified.info });
  }
  const verification = retry ? "RETRY" : "OK";
  const sealKey = env.encryptionKey;

  // 2. Parse.
  const parsed = generation === "V1" ? v1RequestSchema.safeParse(verified.payload) : v2BasicRequestSchema.safeParse(verified.payload);
  const activity = typeof verified.payload.activity === "string" ? verified.payload.activity.slice(0, 64) : undefined;
  if (!parsed.success) {
    const unknownActivity = parsed.error.issues.some((i) => i.path.length === 1 && i.path[0] === "activity");
    return answerAndLog(
      { resultCode: ResultCode.INVALID_PARAMS, resultMsg: unknownActivity ? "activity is missing or not supported" : formatZodIssues(parsed.error) },
      { activity, verification, verificationInfo: verified.info, sealKey, handlerNote: "refused: invalid parameters" },
    );
  }

  // 3. Act: one transaction claims the nonce, does the work and logs it.
  const adapter = createAdapter(env);
  let outcome: SaasOutcome;
  let answer: CallbackAnswer | undefined;
  try {
    ({ outcome, answer } = await db.$transaction(async (tx) => {
      if (verified.nonce) {
        const claimed = await tx.nonce.createMany({ data: [{ nonce: verified.nonce }], skipDuplicates: true });
        if (claimed.count === 0) throw new ReplayError();
      }
      const ctx: SaasContext = { tx, env, adapter, generation, actor: retry?.actor ?? "koogallery" };
      const result = generation === "V1" ? await dispatchV1(ctx, parsed.data as never) : await dispatchV2(ctx, parsed.data as never);
      const waits = result.pendingProvisioning && activity === "newInstance" && env.provisioning.syncTimeoutMs > 0;
      if (waits) return { outcome: result, answer: undefined };
      const built = buildAnswer(renderSaasAnswer(activity, generation, result, env), env.accessKey);
      await recordCallback(tx, { ...base, activity, verification, verificationInfo: verified.info, sealKey, resultCode: result.resultCode, resultMsg: result.resultMsg, responseBody: built.body, links: result.links, isTest: result.isTest, handlerNote: result.note });
      return { outcome: result, answer: built };
    }));
  } catch (error) {
    if (error instanceof ReplayError) {
      return answerAndLog({ resultCode: ResultCode.AUTH_FAILED, resultMsg: "authentication failed" }, { activity, verification: "REPLAYED_NONCE", verificationInfo: verified.info });
    }
    if (error instanceof CallbackError) {
      const links = "instanceId" in verified.payload ? { instanceId: String(verified.payload.instanceId).slice(0, 64) } : undefined;
      return answerAndLog({ resultCode: error.resultCode, resultMsg: error.message }, { activity, verification, verificationInfo: verified.info, sealKey, links, handlerNote: `refused: ${error.message}` });
    }
    console.error(`[callbacks] ${activity ?? "?"} failed: ${describeError(error)}`);
    return answerAndLog({ resultCode: ResultCode.INTERNAL_ERROR, resultMsg: "internal error, please retry" }, { activity, verification, verificationInfo: verified.info, sealKey, handlerNote: `internal error: ${describeError(error)}` });
  }

  if (outcome.pendingProvisioning) kickWorker();
  if (answer) return answer;

  // 4. Provisioning runs as a job: wait briefly so a fast backend still gets 000000.
  if (outcome.instanceId) {
    await waitForProvisioning(outcome.instanceId, env.provisioning.syncTimeoutMs);
    const row = await db.instance.findUnique({ where: { id: outcome.instanceId } });
    if (row) outcome = { ...outcomeForInstance(env, row, outcome.note), isTest: outcome.isTest };
  }
  const late = buildAnswer(renderSaasAnswer(activity, generation, outcome, env), env.accessKey);
  await recordCallback(db, { ...base, activity, verification, verificationInfo: verified.info, sealKey, resultCode: outcome.resultCode, resultMsg: outcome.resultMsg, responseBody: late.body, links: outcome.links, isTest: outcome.isTest, handlerNote: outcome.note });
  return late;
}
