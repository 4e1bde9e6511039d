// An order applied to an existing instance (renewal, upgrade), once: the
// unique orderKey decides, so a repeat of the same order is answered "no
// effect" and an order already applied to another instance is refused. The
// live instance is locked, the change and its history row are written, and
// the order's details are fetched in the background; the merchant's event is
// written with the change (a repeat sends none). In the caller's transaction.
import type { Tx } from "@/lib/db";
import { CallbackError } from "@/lib/errors";
import type { Instance, Prisma } from "@/lib/generated/prisma/client";
import { writeEvents, type MerchantEventInput } from "@/lib/events/outbox";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { enqueueJobs } from "@/lib/jobs/queue";
import { lockLiveInstanceOrThrow, type LockedInstance } from "@/lib/instances/lock-instance";
import { orderActionKey } from "@/lib/instances/order-key";
import { fetchOrderJob, orderFetchPlan } from "@/lib/instances/provision-instance";
import type { SaasContext, SaasOutcome } from "@/lib/instances/types";

export type InstanceOrder = {
  /** The Order row's kind (a refresh scene, "UPGRADE"). */
  kind: string;
  instanceId: string;
  orderId: string;
  orderLineId?: string;
  isTest: boolean;
  productId?: string;
  skuCode?: string;
};

export type InstanceChange = {
  /** The InstanceEvent's kind. */
  eventKind: string;
  /** What the order changes on the instance. */
  update(instance: LockedInstance): Prisma.InstanceUpdateInput;
  /** The history row's detail. */
  detail(instance: LockedInstance): Prisma.InputJsonObject;
  /** The merchant event it sends, from the instance after the change (`updated`) and before it. */
  event(updated: Instance, before: LockedInstance, at: Date): MerchantEventInput;
  /** The log's note when applied, and when the order was a repeat. */
  note: string;
  repeatNote: string;
};

export async function applyInstanceOrder(ctx: SaasContext, order: InstanceOrder, change: InstanceChange): Promise<SaasOutcome> {
  const tx = ctx.tx as Tx;
  const instance = await lockLiveInstanceOrThrow(tx, order.instanceId);
  const links = { instanceId: order.instanceId, orderId: order.orderId, orderLineId: order.orderLineId };
  const success = (note: string): SaasOutcome => ({ resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: order.isTest, note });
  const orderKey = orderActionKey(order.kind, order.orderId, order.orderLineId);
  const fetchPlan = orderFetchPlan(ctx.env, order.isTest);
  const created = await tx.order.createMany({
    data: [
      {
        orderKey,
        orderId: order.orderId,
        orderLineId: order.orderLineId ?? null,
        instanceId: order.instanceId,
        kind: order.kind,
        isTest: order.isTest,
        fetchStatus: fetchPlan.fetchStatus,
        productId: order.productId ?? null,
        skuCode: order.skuCode ?? null,
      },
    ],
    skipDuplicates: true,
  });
  if (created.count === 0) {
    const existing = await tx.order.findUnique({ where: { orderKey }, select: { instanceId: true } });
    if (existing?.instanceId !== order.instanceId) throw new CallbackError(ResultCode.INVALID_PARAMS, "this order was already applied to another instance");
    return success(change.repeatNote);
  }
  const updated = await tx.instance.update({ where: { id: order.instanceId }, data: change.update(instance) });
  await tx.instanceEvent.create({
    data: {
      instanceId: order.instanceId,
      kind: change.eventKind,
      fromState: instance.state,
      toState: instance.state,
      orderId: order.orderId,
      orderLineId: order.orderLineId ?? null,
      actor: ctx.actor,
      callbackLogId: ctx.callbackLogId,
      detail: change.detail(instance),
    },
  });
  const now = new Date();
  await writeEvents(tx, [change.event(updated, instance, now)], now);
  if (fetchPlan.shouldFetch) await enqueueJobs(tx, [fetchOrderJob(orderKey, order.orderId, order.orderLineId)]);
  return success(change.note);
}
