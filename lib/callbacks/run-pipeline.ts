// The pipeline every KooGallery callback goes through, whatever the endpoint:
// verify (nothing touches the database before) → find the activity in the
// endpoint's table and parse the payload with its schema into the verb's
// command → act, claiming the nonce and writing the log row in the same
// transaction or statement → answer. The pipeline owns the transaction: verbs
// are given one (or a statement to add their writes to) and know nothing of
// nonces or log rows. Endpoints plug in their verification, activity table,
// verb context and answer shape (an EndpointDefinition, lib/callbacks/endpoints.ts).
import { randomUUID } from "node:crypto";
import { getDb, getRawSql, type Db, type RawSql, type Tx } from "@/lib/db";
import { getEnv, type Env } from "@/lib/env";
import { CallbackError, describeError, formatZodIssues } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { insertSql, rawSql, runSql, sql, withSql, type Sql } from "@/lib/sql/insert-sql";
import type { InsertRow } from "@/lib/sql/insert-row";
import { claimNonceCte, NONCE_CTE, NONCE_FRESH } from "@/lib/sql/claim-nonce";
import { plainStatement, type Activity, type OneStatement, type VerbContext } from "@/lib/callbacks/activity";
import { buildAnswer, type CallbackAnswer } from "@/lib/callbacks/answer";
import type { EndpointEntry, Generation } from "@/lib/callbacks/endpoint-catalog";
import { callbackLogRow, recordCallback, type CallbackLogEntry, type IncomingCall } from "@/lib/callbacks/record-callback";
import { answerRefusal, type RefusalInput } from "@/lib/callbacks/refuse-call";
import type { Verification } from "@/lib/callbacks/verify-call";
import { handOverDeliveries, kickDeliveriesIfWritten, type ClaimedDelivery } from "@/lib/events/deliver-events";
import { HANDOVER_SUFFIX } from "@/lib/events/outbox";

export type RetryOptions = { retryOfId: string; actor: string };

/** What every domain verb returns, whatever else it adds. */
export type BaseOutcome = {
  resultCode: string;
  resultMsg: string;
  links: { instanceId?: string; orderId?: string; orderLineId?: string; tenantId?: string };
  isTest: boolean;
  note: string;
};

/** An endpoint's behaviour: its catalog row, its activity table and the few things that differ between endpoints. */
export type EndpointDefinition<Ctx, O extends BaseOutcome> = {
  entry: EndpointEntry;
  /** The activity table, per generation, by activity name. */
  activities: Readonly<Record<Generation, Readonly<Record<string, Activity<Ctx, O>>>>>;
  /** The key that signs our answers (Body-Sign). */
  signKeyOf(env: Env): string;
  /** Checks the call (a re-run was checked when it arrived: `retry` says so). */
  verify(call: IncomingCall, generation: Generation, env: Env, retry: RetryOptions | undefined): Verification;
  /** The activity (or sync) name the verified payload asks for, for the table and the log. */
  activityOf(payload: Record<string, unknown>): string | undefined;
  /** The verb's context: what every verb gets, plus the endpoint's own (adapter, generation...). */
  contextOf(base: VerbContext, generation: Generation, env: Env): Ctx;
  render(activity: Activity<Ctx, O>, generation: Generation, outcome: O, env: Env): Record<string, unknown>;
  /** Links for the log when the call was refused after verification. */
  linksOf(payload: Record<string, unknown>): BaseOutcome["links"];
  /**
   * Optional second stage after commit (SaaS: wait briefly for a provisioning
   * job). When needed, the log is written after it, not with the work.
   */
  settle?: { isNeeded(activity: Activity<Ctx, O>, outcome: O, env: Env): boolean; run(outcome: O, env: Env): Promise<O> };
  /** Side effects once the work is committed (wake the job worker). */
  afterCommit?(outcome: O): void;
};

class ReplayError extends Error {}

type LogFields = Omit<CallbackLogEntry, "endpoint" | "generation" | "call" | "startedAt" | "retryOfId" | "responseBody" | "resultCode" | "resultMsg">;

/** The log row to add to a statement, if any: undefined when the row must wait (a settle stage follows). */
type LogRowOf = (outcome: unknown) => InsertRow<"CallbackLog"> | undefined;

/**
 * Mode "one-statement": the verb's statement, with the pipeline's nonce claim
 * (the first time) before the verb's writes and the log row after them.
 */
class PipelineStatement implements OneStatement {
  private nonce: string | undefined;
  isLogged = false;
  // Run through the driver outside any transaction: each statement commits as it returns.
  readonly commitsOnRun = true;

  constructor(
    private readonly via: { raw?: RawSql; tx: Db | Tx },
    nonce: string | undefined,
    private readonly logRowOf: LogRowOf | undefined,
  ) {
    this.nonce = nonce;
  }

  get gate(): string | undefined {
    return this.nonce ? NONCE_CTE : undefined;
  }

  /** The nonce has not been claimed yet (no statement ran). */
  get pendingNonce(): string | undefined {
    return this.nonce;
  }

  async run<R extends Record<string, unknown>>(ctes: Array<[string, Sql]>, select: Sql, opts: { outcome: unknown; loggedAfter?: string }): Promise<R> {
    const all: Array<[string, Sql]> = [];
    const nonce = this.nonce;
    if (nonce) all.push(claimNonceCte(nonce, new Date()));
    all.push(...ctes);
    const logRow = this.logRowOf && !this.isLogged ? this.logRowOf(opts.outcome) : undefined;
    if (logRow) all.push(["log", insertSql("CallbackLog", logRow, { from: opts.loggedAfter ?? (nonce ? NONCE_CTE : undefined), returning: "1" })]);
    // Deliveries the statement claimed for this process (eventCtes' handOver), returned as one JSON array each.
    const handovers = ctes.map(([name]) => name).filter((name) => name.endsWith(HANDOVER_SUFFIX));
    const bookkeeping =
      `${nonce ? `, ${NONCE_FRESH} AS "nonceFresh"` : ""}${logRow ? `, (SELECT count(*)::int FROM log) AS "isLogged"` : ""}` +
      handovers.map((name, i) => `, (SELECT json_agg(h) FROM ${name} h) AS "handover${i}"`).join("");
    const statement = withSql(all, sql`SELECT ${select}${rawSql(bookkeeping)}`);
    const [row] = await runSql<R & { nonceFresh?: number; isLogged?: number }>(this.via, statement);
    // Committed: the deliverer may send them.
    for (let i = 0; i < handovers.length; i++)
      handOverDeliveries(((row as Record<string, unknown> | undefined)?.[`handover${i}`] as ClaimedDelivery[] | null) ?? []);
    if (nonce) {
      this.nonce = undefined;
      if (!row || row.nonceFresh === 0) throw new ReplayError();
    }
    if (row?.isLogged) this.isLogged = true;
    return (row ?? {}) as R;
  }
}

const text = (value: unknown) => (typeof value === "string" ? value.slice(0, 64) : undefined);

export async function runPipeline<Ctx, O extends BaseOutcome>(
  def: EndpointDefinition<Ctx, O>,
  generation: Generation,
  call: IncomingCall,
  retry?: RetryOptions,
): Promise<CallbackAnswer> {
  const startedAt = performance.now();
  const env = getEnv();
  const db = await getDb();
  const raw = await getRawSql();
  const endpoint = def.entry.name;
  const signKey = def.signKeyOf(env);
  const base = { endpoint, generation, call, startedAt, retryOfId: retry?.retryOfId };
  const answerAndLog = async (fields: Record<string, unknown>, entry: LogFields) => {
    const answer = buildAnswer(fields, signKey);
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
  const refused = (refusal: RefusalInput["refusal"]) => answerRefusal({ call, endpoint, generation, signKey, startedAt, refusal, retryOfId: retry?.retryOfId });

  // 1. Verify.
  const verified = def.verify(call, generation, env, retry);
  if (!verified.ok) return refused(verified);
  // A V1 GET is sealed with the decoding that verified it, for a re-run to read the same values.
  if (verified.decodedQuery) call.decodedQuery = verified.decodedQuery;
  const activityName = text(def.activityOf(verified.payload));
  const common = {
    activity: activityName,
    verification: retry ? ("RETRY" as const) : ("OK" as const),
    verificationInfo: verified.info,
    sealKey: env.encryptionKey,
  };

  // 2. Find the activity and parse its command.
  const table = def.activities[generation];
  const activity = activityName !== undefined && Object.hasOwn(table, activityName) ? table[activityName] : undefined;
  if (!activity || activityName === undefined) {
    const resultMsg = activityName === undefined ? "activity is missing or not supported" : `activity ${activityName} is not served at this address`;
    return answerAndLog({ resultCode: ResultCode.INVALID_PARAMS, resultMsg }, Object.assign({}, common, { handlerNote: "refused: invalid parameters" }));
  }
  const parsed = activity.schema.safeParse(verified.payload);
  if (!parsed.success) {
    return answerAndLog(
      { resultCode: ResultCode.INVALID_PARAMS, resultMsg: formatZodIssues(parsed.error) },
      Object.assign({}, common, { handlerNote: "refused: invalid parameters" }),
    );
  }

  // 3. Act, claim the nonce and log: in one statement or one transaction.
  const callbackLogId = randomUUID();
  const actor = retry?.actor ?? "koogallery";
  const isSettleNeeded = (o: O) => def.settle?.isNeeded(activity, o, env) ?? false;
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
  const answerOf = (o: O) => buildAnswer(def.render(activity, generation, o, env), signKey);
  let outcome: O;
  let answer: CallbackAnswer | undefined;
  try {
    if (activity.writes === "one-statement" && !retry) {
      let logged: CallbackAnswer | undefined;
      const statement = new PipelineStatement({ raw, tx: db }, verified.nonce, (o) => {
        if (isSettleNeeded(o as O)) return undefined;
        logged = answerOf(o as O);
        return callbackLogRow(logEntry(o as O, logged));
      });
      const ctx = def.contextOf({ tx: db, raw, actor, callbackLogId, sentAt: verified.sentAt, statement }, generation, env);
      outcome = await activity.act(ctx, parsed.data);
      if (statement.isLogged && logged) answer = logged;
      else if (statement.pendingNonce) {
        // The verb only read: the nonce claim and the log row are one statement of their own.
        await statement.run([], rawSql("1 AS one"), { outcome });
        if (statement.isLogged && logged) answer = logged;
      } else if (!isSettleNeeded(outcome)) {
        answer = answerOf(outcome);
        await recordCallback(raw, logEntry(outcome, answer));
      }
    } else {
      ({ outcome, answer } = await db.$transaction(
        async (tx) => {
          if (verified.nonce) {
            const claimed = await tx.nonce.createMany({ data: [{ nonce: verified.nonce }], skipDuplicates: true });
            if (claimed.count === 0) throw new ReplayError();
          }
          const ctx = def.contextOf({ tx, actor, callbackLogId, sentAt: verified.sentAt, statement: plainStatement(tx) }, generation, env);
          const result = await activity.act(ctx, parsed.data);
          if (isSettleNeeded(result)) return { outcome: result, answer: undefined };
          const built = answerOf(result);
          await recordCallback(tx, logEntry(result, built));
          return { outcome: result, answer: built };
        },
        activity.transactionTimeoutMs ? { timeout: activity.transactionTimeoutMs } : undefined,
      ));
    }
  } catch (error) {
    if (error instanceof ReplayError) {
      return refused({
        outcome: "REPLAYED_NONCE",
        resultCode: ResultCode.AUTH_FAILED,
        resultMsg: "authentication failed",
        info: verified.info as RefusalInput["refusal"]["info"],
        activity: activityName,
      });
    }
    if (error instanceof CallbackError) {
      return answerAndLog(
        { resultCode: error.resultCode, resultMsg: error.message },
        Object.assign({}, common, { links: def.linksOf(verified.payload), handlerNote: `refused: ${error.note ?? error.message}` }),
      );
    }
    console.error(`[callbacks] ${endpoint} ${activityName} failed: ${describeError(error)}`);
    return answerAndLog(
      { resultCode: ResultCode.INTERNAL_ERROR, resultMsg: "internal error, please retry" },
      Object.assign({}, common, { handlerNote: `internal error: ${describeError(error)}` }),
    );
  }
  def.afterCommit?.(outcome);
  // A committed change may have written events (lib/events/outbox.ts): wake the delivery worker rather than wait for its poll.
  kickDeliveriesIfWritten();
  if (answer) return answer;

  // 4. Settle after commit, then log what was answered.
  const settled = def.settle ? await def.settle.run(outcome, env) : outcome;
  const late = answerOf(settled);
  await recordCallback(raw, logEntry(settled, late));
  return late;
}
