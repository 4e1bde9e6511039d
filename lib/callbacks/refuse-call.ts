// Answers and logs a refused callback (refused from its headers, over the size
// limit, failing verification, or replayed). The answer is always the spec's:
// HTTP 200 JSON with the result code, Body-Sign'd. The log row is bounded (a
// few KiB of the body, with its size and hash: record-callback.ts) and only
// written while the client is within the refusal budget; past it the refusal
// is counted, and the counts reach the log as one summary row per client and
// endpoint each minute.
import { methodOf } from "@/lib/callbacks/endpoint-catalog";
import { getRawSql } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import type { Generation } from "@/lib/generated/prisma/client";
import { CHEAP_FIRST_ABOVE_CHARS } from "@/lib/koogallery/canonical-json";
import { buildAnswer, type CallbackAnswer } from "@/lib/callbacks/answer";
import { RefusalBudget, type RefusalTally } from "@/lib/callbacks/refusal-budget";
import { recordCallback, type CallbackLogEntry, type IncomingCall, type VerificationOutcome } from "@/lib/callbacks/record-callback";
import type { RefusedCall } from "@/lib/callbacks/verify-call";

/** How often counted refusals are written out as summary rows. */
const SUMMARY_INTERVAL_MS = 60_000;
/** All clients together may fill this many times one client's rows. */
const TOTAL_BUDGET_FACTOR = 10;

type BudgetState = { budget: RefusalBudget; timer?: NodeJS.Timeout; flushing?: Promise<void> };
const g = globalThis as unknown as { __portalRefusalBudget?: BudgetState };

function state(): BudgetState {
  if (!g.__portalRefusalBudget) {
    const perClient = getEnv().refusalsLoggedPerMinute;
    g.__portalRefusalBudget = { budget: new RefusalBudget({ perClientPerMinute: perClient, totalPerMinute: perClient * TOTAL_BUDGET_FACTOR }) };
  }
  return g.__portalRefusalBudget;
}

/** How fast a restricted client's body is read: a 1.4 MiB org sync in three seconds, a 15 MiB junk body in half a minute. */
export const RESTRICTED_BYTES_PER_SECOND = 512 * 1024;

/** Whether this client is over its refusal budget (its large bodies are read slowly and checked cheaply). */
export function isRestrictedClient(client: string): boolean {
  return g.__portalRefusalBudget?.budget.isRestricted(client, Date.now()) ?? false;
}

/** Outcomes reached after a body was parsed or checked against every form. */
const EXPENSIVE_OUTCOMES: ReadonlySet<string> = new Set(["BAD_SIGNATURE", "MALFORMED"]);

export type RefusalInput = {
  call: IncomingCall;
  endpoint: string;
  generation: Generation;
  /** The key that signs our answers (Body-Sign). */
  signKey: string;
  startedAt: number;
  refusal: Pick<RefusedCall, "outcome" | "resultCode" | "resultMsg" | "info" | "activity">;
  retryOfId?: string;
};

export async function answerRefusal(input: RefusalInput): Promise<CallbackAnswer> {
  const { call, refusal } = input;
  const answer = buildAnswer({ resultCode: refusal.resultCode, resultMsg: refusal.resultMsg }, input.signKey);
  const s = state();
  const client = call.clientAddress ?? "unknown";
  const now = Date.now();
  const isLarge = call.bodyPreview !== undefined || call.rawBody.length > CHEAP_FIRST_ABOVE_CHARS;
  if (isLarge && !call.isRestricted && EXPENSIVE_OUTCOMES.has(refusal.outcome)) s.budget.spendExpensive(client, now);
  if (!s.budget.admit(client, now)) {
    s.budget.count(
      {
        client,
        endpoint: input.endpoint,
        generation: input.generation,
        outcome: refusal.outcome,
        resultCode: refusal.resultCode,
        bodyBytes: call.bodyBytes ?? Buffer.byteLength(call.rawBody),
      },
      now,
    );
    s.timer ??= setInterval(() => void flushRefusalCounts(), SUMMARY_INTERVAL_MS).unref();
    return answer;
  }
  const entry: CallbackLogEntry = {
    endpoint: input.endpoint,
    generation: input.generation,
    activity: refusal.activity,
    call,
    verification: refusal.outcome,
    verificationInfo: refusal.info,
    resultCode: refusal.resultCode,
    resultMsg: refusal.resultMsg,
    responseBody: answer.body,
    responseFields: answer.fields,
    startedAt: input.startedAt,
    retryOfId: input.retryOfId,
  };
  await recordCallback(await getRawSql(), entry).catch((error: unknown) => {
    console.error(`[callbacks] could not write the log: ${describeError(error)}`);
  });
  return answer;
}

function summaryEntry(t: RefusalTally): CallbackLogEntry {
  const top = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1])[0]?.[0] ?? "";
  const mib = (t.bodyBytes / 2 ** 20).toFixed(1);
  const outcome: VerificationOutcome = "COUNTED";
  return {
    endpoint: t.endpoint,
    generation: t.generation,
    call: {
      method: methodOf(t.endpoint, t.generation),
      url: `${getEnv().publicUrl}/`,
      headers: {},
      rawBody: "",
      clientAddress: t.client,
    },
    verification: outcome,
    verificationInfo: {
      client: t.client,
      count: t.count,
      outcomes: t.outcomes,
      resultCodes: t.resultCodes,
      bodyBytes: t.bodyBytes,
      firstAt: new Date(t.firstAt).toISOString(),
      lastAt: new Date(t.lastAt).toISOString(),
    },
    resultCode: top(t.resultCodes),
    resultMsg: `${t.count} refused calls counted, not stored`,
    responseBody: "",
    startedAt: performance.now(),
    handlerNote:
      `${t.count} refused call${t.count === 1 ? "" : "s"} from ${t.client} between ${new Date(t.firstAt).toISOString()} and ` +
      `${new Date(t.lastAt).toISOString()} (${mib} MiB of bodies) were over the refusal budget: counted here, not stored one by one`,
  };
}

/** Writes the counted refusals as summary rows (every minute, and on shutdown). */
export async function flushRefusalCounts(): Promise<void> {
  const s = g.__portalRefusalBudget;
  if (!s || s.budget.pendingTallies === 0) return;
  if (s.flushing) return s.flushing;
  s.flushing = (async () => {
    const raw = await getRawSql();
    for (const tally of s.budget.takeTallies()) {
      await recordCallback(raw, summaryEntry(tally)).catch((error: unknown) => {
        console.error(`[callbacks] could not write a refusal summary: ${describeError(error)}`);
      });
    }
  })().finally(() => {
    s.flushing = undefined;
  });
  return s.flushing;
}
