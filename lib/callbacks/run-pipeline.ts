// The pipeline every KooGallery callback goes through, whatever the endpoint:
// verify (nothing touches the database before) → parse → act in one
// transaction that claims the nonce and writes the log row → answer.
// Endpoints plug in their verification, schema, domain verb and answer shape.
import { randomUUID } from "node:crypto";
import { getDb, getRawSql, type Db, type RawSql, type Tx } from "@/lib/db";
import type { InsertRow } from "@/lib/sql/insert-row";
import { getEnv } from "@/lib/env";
import { CallbackError, describeError } from "@/lib/errors";
import type { Generation } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { buildAnswer, type CallbackAnswer } from "@/lib/callbacks/answer";
import { callbackLogRow, recordCallback, type CallbackLogEntry, type IncomingCall } from "@/lib/callbacks/record-callback";
import { answerRefusal, type RefusalInput } from "@/lib/callbacks/refuse-call";
import type { Verification } from "@/lib/callbacks/verify-call";

export type RetryOptions = { retryOfId: string; actor: string };

/** What every domain verb returns, whatever else it adds. */
export type BaseOutcome = {
  resultCode: string;
  resultMsg: string;
  links: { instanceId?: string; orderId?: string; orderLineId?: string; tenantId?: string };
  isTest: boolean;
  note: string;
};

export type ParseResult<P> = { ok: true; data: P } | { ok: false; resultCode: string; resultMsg: string };

export type ActInput<P> = {
  tx: Tx;
  data: P;
  actor: string;
  callbackLogId: string;
  /** When KooGallery sent the call (its signed timestamp), for verbs that must not let an older call undo a newer one. */
  sentAt?: Date;
};

export type PipelineSpec<P, O extends BaseOutcome> = {
  endpoint: string;
  generation: Generation;
  call: IncomingCall;
  retry?: RetryOptions;
  /** The key that signs our answers (Body-Sign). */
  signKey: string;
  verify(): Verification;
  /** The activity or sync name, for the log (read from the verified payload). */
  activityOf(payload: Record<string, unknown>): string | undefined;
  parse(payload: Record<string, unknown>): ParseResult<P>;
  act(input: ActInput<P>): Promise<O>;
  render(outcome: O): Record<string, unknown>;
  /** Links for the log when the verb refused the call. */
  linksOf?(payload: Record<string, unknown>): BaseOutcome["links"];
  /**
   * Verbs that make all their writes in one statement (ADR 0004) skip the
   * interactive transaction: they get the client, the nonce to claim and a
   * builder for the log row, and write all three in that statement.
   */
  atomic?: {
    isFor(data: P): boolean;
    /** `logRow` returns undefined when the row must wait (a settle stage follows). */
    act(
      input: Omit<ActInput<P>, "tx"> & { db: Db; raw: RawSql; nonce?: string; logRow: (o: O) => InsertRow<"CallbackLog"> | undefined },
    ): Promise<O & { isReplay?: boolean; isLogged?: boolean }>;
  };
  /**
   * Optional second stage after commit (SaaS: wait briefly for a provisioning
   * job). When it returns an outcome, the log is written after it, not in the transaction.
   */
  settle?: { isNeeded(outcome: O): boolean; run(outcome: O): Promise<O> };
  /** Side effects once the work is committed (wake the job worker). */
  afterCommit?(outcome: O): void;
  /** The interactive transaction's timeout, when Prisma's 5 s default is too short (a full org sync). */
  transactionTimeoutMs?: number;
};

class ReplayError extends Error {}

type LogFields = Omit<CallbackLogEntry, "endpoint" | "generation" | "call" | "startedAt" | "retryOfId" | "responseBody" | "resultCode" | "resultMsg">;

export async function runPipeline<P, O extends BaseOutcome>(spec: PipelineSpec<P, O>): Promise<CallbackAnswer> {
  const startedAt = performance.now();
  const env = getEnv();
  const db = await getDb();
  const raw = await getRawSql();
  const base = { endpoint: spec.endpoint, generation: spec.generation, call: spec.call, startedAt, retryOfId: spec.retry?.retryOfId };
  const answerAndLog = async (fields: Record<string, unknown>, entry: LogFields) => {
    const answer = buildAnswer(fields, spec.signKey);
    // Object.assign, not spreads: V8 (Node 20) builds spread-composed literals on a slow path (~15 µs each here), on every call.
    await recordCallback(
      raw,
      Object.assign({}, base, entry, {
        resultCode: String(fields.resultCode),
        resultMsg: String(fields.resultMsg ?? ""),
        responseBody: answer.body,
        responseFields: answer.fields,
      }),
    ).catch((error: unknown) => {
      console.error(`[callbacks] could not write the log: ${describeError(error)}`);
    });
    return answer;
  };

  const refused = (refusal: RefusalInput["refusal"]) =>
    answerRefusal({
      call: spec.call,
      endpoint: spec.endpoint,
      generation: spec.generation,
      signKey: spec.signKey,
      startedAt,
      refusal,
      retryOfId: spec.retry?.retryOfId,
    });

  // 1. Verify.
  const verified = spec.verify();
  if (!verified.ok) return refused(verified);
  // A V1 GET is sealed with the decoding that verified it, for a re-run to read the same values.
  if (verified.decodedQuery) spec.call.decodedQuery = verified.decodedQuery;
  const common = {
    activity: spec.activityOf(verified.payload),
    verification: spec.retry ? ("RETRY" as const) : ("OK" as const),
    verificationInfo: verified.info,
    sealKey: env.encryptionKey,
  };

  // 2. Parse.
  const parsed = spec.parse(verified.payload);
  if (!parsed.ok)
    return answerAndLog(
      { resultCode: parsed.resultCode, resultMsg: parsed.resultMsg },
      Object.assign({}, common, { handlerNote: "refused: invalid parameters" }),
    );

  // 3. Act, claim the nonce and log: in one statement (atomic verbs) or one transaction.
  const callbackLogId = randomUUID();
  const actor = spec.retry?.actor ?? "koogallery";
  const logEntry = (o: O, answer: CallbackAnswer): CallbackLogEntry & { id: string } =>
    Object.assign({}, base, common, {
      id: callbackLogId,
      resultCode: o.resultCode,
      resultMsg: o.resultMsg,
      responseBody: answer.body,
      responseFields: answer.fields,
      links: o.links,
      isTest: o.isTest,
      handlerNote: o.note,
    });
  let outcome: O;
  let answer: CallbackAnswer | undefined;
  try {
    if (spec.atomic?.isFor(parsed.data)) {
      let logged: CallbackAnswer | undefined;
      const result = await spec.atomic.act({
        db,
        raw,
        data: parsed.data,
        actor,
        callbackLogId,
        sentAt: verified.sentAt,
        nonce: verified.nonce,
        logRow: (o) => {
          if (spec.settle?.isNeeded(o)) return undefined;
          logged = buildAnswer(spec.render(o), spec.signKey);
          return callbackLogRow(logEntry(o, logged));
        },
      });
      if (result.isReplay) throw new ReplayError();
      outcome = result;
      if (result.isLogged && logged) answer = logged;
      else if (!spec.settle?.isNeeded(result)) {
        answer = buildAnswer(spec.render(result), spec.signKey);
        await recordCallback(raw, logEntry(result, answer));
      }
    } else {
      ({ outcome, answer } = await db.$transaction(
        async (tx) => {
          if (verified.nonce) {
            const claimed = await tx.nonce.createMany({ data: [{ nonce: verified.nonce }], skipDuplicates: true });
            if (claimed.count === 0) throw new ReplayError();
          }
          const result = await spec.act({ tx, data: parsed.data, actor, callbackLogId, sentAt: verified.sentAt });
          if (spec.settle?.isNeeded(result)) return { outcome: result, answer: undefined };
          const built = buildAnswer(spec.render(result), spec.signKey);
          await recordCallback(tx, logEntry(result, built));
          return { outcome: result, answer: built };
        },
        spec.transactionTimeoutMs ? { timeout: spec.transactionTimeoutMs } : undefined,
      ));
    }
  } catch (error) {
    if (error instanceof ReplayError) {
      return refused({
        outcome: "REPLAYED_NONCE",
        resultCode: ResultCode.AUTH_FAILED,
        resultMsg: "authentication failed",
        info: verified.info as RefusalInput["refusal"]["info"],
        activity: common.activity,
      });
    }
    if (error instanceof CallbackError) {
      return answerAndLog(
        { resultCode: error.resultCode, resultMsg: error.message },
        Object.assign({}, common, { links: spec.linksOf?.(verified.payload), handlerNote: `refused: ${error.note ?? error.message}` }),
      );
    }
    console.error(`[callbacks] ${spec.endpoint} ${common.activity ?? "?"} failed: ${describeError(error)}`);
    return answerAndLog(
      { resultCode: ResultCode.INTERNAL_ERROR, resultMsg: "internal error, please retry" },
      Object.assign({}, common, { handlerNote: `internal error: ${describeError(error)}` }),
    );
  }
  spec.afterCommit?.(outcome);
  if (answer) return answer;

  // 4. Settle after commit, then log what was answered.
  const settled = spec.settle ? await spec.settle.run(outcome) : outcome;
  const late = buildAnswer(spec.render(settled), spec.signKey);
  await recordCallback(raw, logEntry(settled, late));
  return late;
}
