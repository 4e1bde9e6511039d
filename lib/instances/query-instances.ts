// queryInstance: up to 100 ids. KooGallery polls this after a 000004; a single
// instance still provisioning answers 000004 again, a failed one 000005.
// A read-only statement reads the instances; one more statement claims the nonce and writes the log row.
import { ResultCode } from "@/lib/koogallery/result-codes";
import { insertSql, rawSql, runSql, sql, withSql, type Sql } from "@/lib/sql/insert-sql";
import { claimNonceCte, NONCE_CTE, NONCE_FRESH } from "@/lib/sql/claim-nonce";
import { readAppInfo } from "@/lib/instances/app-info";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import type { AtomicOptions, InstanceSummary, QueryCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

type Row = {
  id: string;
  orderId: string;
  orderLineId: string | null;
  isTest: boolean;
  state: string;
  provisionStatus: "PENDING" | "DONE" | "FAILED";
  provisionError: string | null;
  frontEndUrl: string | null;
  adminUrl: string | null;
  adminUserName: string | null;
  adminPasswordEnc: string | null;
  memo: string | null;
};

const COLUMNS = rawSql(
  `"id", "orderId", "orderLineId", "isTest", "state"::text, "provisionStatus"::text, "provisionError", "frontEndUrl", "adminUrl", "adminUserName", "adminPasswordEnc", "memo"`,
);

/** What the instances say, before any nonce or log is written (the same whether or not the call turns out to be a replay). */
async function readOutcome(ctx: SaasContext, cmd: QueryCommand): Promise<SaasOutcome> {
  const [result] = await runSql<{ rows: Row[] }>(
    ctx,
    sql`SELECT coalesce((SELECT json_agg(r) FROM (SELECT ${COLUMNS} FROM "Instance" WHERE id = ANY(${cmd.instanceIds}::text[])) r), '[]'::json) AS rows`,
  );
  const byId = new Map((result?.rows ?? []).map((r) => [r.id, r]));
  const found = cmd.instanceIds.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
  const links = { instanceId: found[0]?.id ?? cmd.instanceIds[0] };
  if (found.length === 0) {
    return { resultCode: ResultCode.INSTANCE_NOT_FOUND, resultMsg: "instance does not exist", links, isTest: cmd.isTest, note: "no such instance" };
  }
  if (found.length === 1 && cmd.instanceIds.length === 1) {
    const row = found[0]!;
    const single = outcomeForInstance(ctx.env, row, "queried");
    return Object.assign({}, single, {
      info: [{ instanceId: row.id, appInfo: single.appInfo, state: row.state, provisionStatus: row.provisionStatus }],
      appInfo: undefined,
    });
  }
  const info: InstanceSummary[] = found.map((r) => ({
    instanceId: r.id,
    appInfo: r.provisionStatus === "DONE" ? readAppInfo(r, ctx.env.encryptionKey) : undefined,
    state: r.state,
    provisionStatus: r.provisionStatus,
  }));
  const missing = cmd.instanceIds.length - found.length;
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: "success",
    info,
    links,
    isTest: cmd.isTest,
    note: `queried ${cmd.instanceIds.length}${missing ? `, ${missing} unknown (left out)` : ""}`,
  };
}

/**
 * A read, then (when the pipeline asks) ONE write: the nonce claim and the log
 * row in a single statement, so a query commits once. The read comes first:
 * it writes nothing, and what it found is answered only if the claim succeeds
 * (a replay inserts no log row here and is answered 000001 by the pipeline).
 */
export async function queryInstances(ctx: SaasContext, cmd: QueryCommand, atomic?: AtomicOptions): Promise<SaasOutcome> {
  const outcome = await readOutcome(ctx, cmd);
  if (!atomic?.nonce) return outcome;
  const ctes: Array<[string, Sql]> = [claimNonceCte(atomic.nonce, new Date())];
  const logRow = atomic.logRow?.(outcome);
  if (logRow) ctes.push(["log", insertSql("CallbackLog", logRow, { from: NONCE_CTE })]);
  const [claim] = await runSql<{ nonceFresh: number }>(ctx, withSql(ctes, rawSql(`SELECT ${NONCE_FRESH} AS "nonceFresh"`)));
  if (!claim || claim.nonceFresh === 0) {
    return { resultCode: ResultCode.AUTH_FAILED, resultMsg: "authentication failed", links: {}, isTest: cmd.isTest, note: "replayed nonce", isReplay: true };
  }
  return Object.assign({}, outcome, { isLogged: Boolean(logRow) });
}
