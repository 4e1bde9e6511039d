// refreshInstance (V2 scenes; V1 renewal): set the new expiry once per order.
// A repeated order is answered with success and changes nothing.
import { CallbackError } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { enqueueJobs } from "@/lib/jobs/queue";
import { lockLiveInstanceOrThrow } from "@/lib/instances/lock-instance";
import { orderActionKey } from "@/lib/instances/order-key";
import { fetchOrderJob, orderFetchPlan } from "@/lib/instances/provision-instance";
import type { RefreshInstanceCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export async function refreshInstance(ctx: SaasContext, cmd: RefreshInstanceCommand): Promise<SaasOutcome> {
  const { tx } = ctx;
  const instance = await lockLiveInstanceOrThrow(tx, cmd.instanceId);
  const links = { instanceId: cmd.instanceId, orderId: cmd.orderId, orderLineId: cmd.orderLineId };

  const orderKey = orderActionKey(cmd.scene, cmd.orderId, cmd.orderLineId);
  const created = await tx.order.createMany({
    data: [
      {
        orderKey,
        orderId: cmd.orderId,
        orderLineId: cmd.orderLineId ?? null,
        instanceId: cmd.instanceId,
        kind: cmd.scene,
        isTest: cmd.isTest,
        fetchStatus: orderFetchPlan(ctx.env, cmd.isTest).fetchStatus,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count === 0) {
    const order = await tx.order.findUnique({ where: { orderKey }, select: { instanceId: true } });
    if (order?.instanceId !== cmd.instanceId) {
      throw new CallbackError(ResultCode.INVALID_PARAMS, "this order was already applied to another instance");
    }
    return { resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note: "repeat of an applied order: no effect" };
  }

  await tx.instance.update({
    where: { id: cmd.instanceId },
    data: {
      expireAt: cmd.expireAt,
      ...(cmd.scene === "TRIAL_TO_FORMAL" ? { isTrial: false } : {}),
      ...(cmd.productId ? { productId: cmd.productId } : {}),
    },
  });
  await tx.instanceEvent.create({
    data: {
      instanceId: cmd.instanceId,
      kind: cmd.scene,
      fromState: instance.state,
      toState: instance.state,
      orderId: cmd.orderId,
      orderLineId: cmd.orderLineId ?? null,
      actor: ctx.actor,
      callbackLogId: ctx.callbackLogId ?? null,
      detail: { previousExpireAt: instance.expireAt?.toISOString() ?? null, expireAt: cmd.expireAt.toISOString(), productId: cmd.productId ?? null },
    },
  });
  if (orderFetchPlan(ctx.env, cmd.isTest).shouldFetch) await enqueueJobs(tx, [fetchOrderJob(orderKey, cmd.orderId, cmd.orderLineId)]);
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: "success",
    links,
    isTest: cmd.isTest,
    note: `${cmd.scene.toLowerCase().replaceAll("_", " ")}: expiry set to ${cmd.expireAt.toISOString()}`,
  };
}
