// What an endpoint's activity table is made of. A row names the schema that
// reads the call into the domain's command (its output is the command, so
// verbs never dig in the raw payload), the domain verb, how the verb's writes
// are run, KooGallery's retry window for it, and (for the endpoint) how its
// answer is shaped. The pipeline (run-pipeline.ts) reads the row; the verb
// knows nothing of nonces, log rows or transactions it did not ask for.
import type { z } from "zod";
import type { Db, RawSql, Tx } from "@/lib/db";
import { runSql, sql, withSql, type Sql } from "@/lib/sql/insert-sql";
import type { RetryWindow } from "@/lib/koogallery/retry-windows";

/**
 * How the pipeline runs a verb's writes:
 * - "transaction": in an interactive transaction the pipeline opens, which also claims the call's nonce and writes its log row;
 * - "one-statement": the verb hands its writes to `OneStatement.run`, and the pipeline adds the nonce claim and the log row
 *   to that same statement (one round trip, no interactive transaction: the hot path of ADR 0004).
 */
export type WriteMode = "transaction" | "one-statement";

/**
 * A verb's writes as one SQL statement (lib/sql builder). The pipeline may add
 * its own bookkeeping to the statement: a precondition before the verb's CTEs
 * (the verb's first write reads `FROM gate`, so nothing is written when it
 * fails) and a record after them (written when `loggedAfter` produced a row).
 */
export type OneStatement = {
  /** The CTE the verb's first write must read FROM, or undefined when there is no precondition. */
  readonly gate: string | undefined;
  /** Whether the statement is its own transaction: what it returns has committed. */
  readonly commitsOnRun: boolean;
  /**
   * Runs `WITH <pipeline's>, <ctes>, <pipeline's> SELECT <select>`, and returns the row.
   * `outcome` is what the verb will answer when the writes take effect.
   */
  run<R extends Record<string, unknown>>(ctes: Array<[string, Sql]>, select: Sql, opts: { outcome: unknown; loggedAfter?: string }): Promise<R>;
};

/** What every verb is given, whatever its endpoint adds. */
export type VerbContext = {
  /** The transaction (mode "transaction") or the client itself (mode "one-statement"). */
  tx: Tx | Db;
  /** Set in mode "one-statement": the driver, for the statement's reads. */
  raw?: RawSql;
  /** Who acted: "koogallery", "staff:<id>" (re-runs) or "system". */
  actor: string;
  /** The callback log row this work is recorded under (history rows link to it). */
  callbackLogId: string;
  /** When KooGallery sent the call (its signed timestamp; a re-run keeps the original's). */
  sentAt?: Date;
  /** The verb's writes as one statement (mode "one-statement"; in mode "transaction" it runs in the transaction). */
  statement: OneStatement;
};

export type Activity<Ctx, O> = {
  /** Reads the verified payload into the verb's command. */
  schema: z.ZodType;
  act(ctx: Ctx, command: unknown): Promise<O>;
  writes: WriteMode;
  /** KooGallery's retry policy when we fail this activity (undefined: not re-sent automatically). */
  retryWindow?: RetryWindow;
  /** The answer's shape beyond resultCode and resultMsg, as the endpoint's render names it (SaaS: "instance", "instances"). */
  answer?: string;
  /** An interactive transaction's timeout, when Prisma's 5 s default is too short (a full org sync). */
  transactionTimeoutMs?: number;
};

/** One table row, typed: the verb takes what the schema outputs. */
export function defineActivity<S extends z.ZodType, Ctx, O>(row: {
  schema: S;
  act(ctx: Ctx, command: z.output<S>): Promise<O>;
  writes?: WriteMode;
  retryWindow?: RetryWindow;
  answer?: string;
  transactionTimeoutMs?: number;
}): Activity<Ctx, O> {
  return {
    schema: row.schema,
    act: row.act as (ctx: Ctx, command: unknown) => Promise<O>,
    writes: row.writes ?? "transaction",
    retryWindow: row.retryWindow,
    answer: row.answer,
    transactionTimeoutMs: row.transactionTimeoutMs,
  };
}

/** A statement with no precondition and no bookkeeping, on a transaction or the client: the pipeline's transaction mode, and verbs called directly (tests). */
export function plainStatement(tx: Tx | Db): OneStatement {
  return {
    gate: undefined,
    commitsOnRun: false,
    async run<R extends Record<string, unknown>>(ctes: Array<[string, Sql]>, select: Sql): Promise<R> {
      const statement = withSql(ctes, sql`SELECT ${select}`);
      const [row] = await runSql<R>({ tx }, statement);
      return (row ?? {}) as R;
    },
  };
}
