// queryInstance: up to 100 ids. KooGallery polls this after a 000004; a single
// instance still provisioning answers 000004 again, a failed one 000005.
import { ResultCode } from "@/lib/koogallery/result-codes";
import { readAppInfo } from "@/lib/instances/app-info";
import { outcomeForInstance } from "@/lib/instances/provision-instance";
import type { InstanceSummary, QueryCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export async function queryInstances(ctx: SaasContext, cmd: QueryCommand): Promise<SaasOutcome> {
  const rows = await ctx.tx.instance.findMany({ where: { id: { in: cmd.instanceIds } } });
  const byId = new Map(rows.map((r) => [r.id, r]));
  const found = cmd.instanceIds.flatMap((id) => {
    const r = byId.get(id);
    return r ? [r] : [];
  });
  const links = { instanceId: found[0]?.id ?? cmd.instanceIds[0] };
  if (found.length === 0) {
    return { resultCode: ResultCode.INSTANCE_NOT_FOUND, resultMsg: "instance does not exist", links, isTest: cmd.isTest, note: "no such instance" };
  }
  if (found.length === 1 && cmd.instanceIds.length === 1) {
    const single = outcomeForInstance(ctx.env, found[0]!, "queried");
    return { ...single, info: [{ instanceId: found[0]!.id, appInfo: single.appInfo, state: found[0]!.state, provisionStatus: found[0]!.provisionStatus }], appInfo: undefined };
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
