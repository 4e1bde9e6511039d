// upgradeInstance (V2) / upgrade (V1): record the upgrade order once; the new
// specification is read from the order query in the background.
import { CallbackError } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { enqueueJobs } from "@/lib/jobs/queue";
import { lockLiveInstanceOrThrow } from "@/lib/instances/lock-instance";
import { orderActionKey } from "@/lib/instances/order-key";
import { fetchOrderJob, orderFetchPlan } from "@/lib/instances/provision-instance";
import type { SaasContext, SaasOutcome, UpgradeCommand } from "@/lib/instances/types";

export async function upgradeInstance(ctx: SaasContext, cmd: UpgradeCommand): Promise<SaasOutcome> {
  const { tx } = ctx;
  const instance = await lockLiveInstanceOrThrow(tx, cmd.instanceId);
  const links = { instanceId: cmd.instanceId, orderId: cmd.orderId, orderLineId: cmd.orderLineId };

  const orderKey = orderActionKey("UPGRADE", cmd.orderId, cmd.orderLineId);
  const created = await tx.order.createMany({
    data: [
      {
        orderKey,
        orderId: cmd.orderId,
        orderLineId: cmd.orderLineId ?? null,
        instanceId: cmd.instanceId,
        kind: "UPGRADE",
        isTest: cmd.isTest,
        fetchStatus: orderFetchPlan(ctx.env, cmd.isTest).fetchStatus,
        productId: cmd.productId ?? null,
        skuCode: cmd.skuCode ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count === 0) {
    const order = await tx.order.findUnique({ where: { orderKey }, select: { instanceId: true } });
    if (order?.instanceId !== cmd.instanceId) throw new CallbackError(ResultCode.INVALID_PARAMS, "this order was already applied to another instance");
    return { resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note: "repeat of an applied upgrade: no effect" };
  }
  await tx.instance.update({
    where: { id: cmd.instanceId },
    data: {
      ...(cmd.productId ? { productId: cmd.productId } : {}),
      ...(cmd.skuCode ? { skuCode: cmd.skuCode } : {}),
      ...(cmd.extendParams !== undefined ? { extendParams: cmd.extendParams as object } : {}),
    },
  });
  await tx.instanceEvent.create({
    data: {
      instanceId: cmd.instanceId,
      kind: "UPGRADED",
      fromState: instance.state,
      toState: instance.state,
      orderId: cmd.orderId,
      orderLineId: cmd.orderLineId ?? null,
      actor: ctx.actor,
      callbackLogId: ctx.callbackLogId ?? null,
      detail: { productId: cmd.productId ?? null, skuCode: cmd.skuCode ?? null },
    },
  });
  if (orderFetchPlan(ctx.env, cmd.isTest).shouldFetch) await enqueueJobs(tx, [fetchOrderJob(orderKey, cmd.orderId, cmd.orderLineId)]);
  return { resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note: "upgrade recorded" };
}
