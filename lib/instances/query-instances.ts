// queryInstance: up to 100 ids. KooGallery polls this after a 000004; a single
// instance still provisioning answers 000004 again, a failed one 000005.
// A read-only statement reads the instances; the pipeline's one more statement claims the nonce and writes the log row.
import { ResultCode } from "@/lib/koogallery/result-codes";
import { rawSql, runSql, sql } from "@/lib/sql/insert-sql";
import { readAppInfo } from "@/lib/instances/app-info";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import { isProvisioningFailureAlerted } from "@/lib/alerts/raise-alert";
import type { InstanceSummary, QueryCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

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
  `"id", "orderId", "orderLineId", "isTest", "state"::text, "provisionStatus"::text, "provisionError", ` +
    `"frontEndUrl", "adminUrl", "adminUserName", "adminPasswordEnc", "memo"`,
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
    // A failed instance is rare and polled slowly: one more indexed read to know whether staff were alerted.
    const isAlerted = row.provisionStatus === "FAILED" && (await isProvisioningFailureAlerted(ctx.tx, row.id));
    const single = outcomeForInstance(ctx.env, row, "queried", isAlerted);
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

/** A read: the pipeline then claims the nonce and writes the log row in one statement, so a query commits once (ADR 0004). */
export function queryInstances(ctx: SaasContext, cmd: QueryCommand): Promise<SaasOutcome> {
  return readOutcome(ctx, cmd);
}
