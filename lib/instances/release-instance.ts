// releaseInstance: idempotent per instance; a repeat succeeds with no effect.
// The merchant is told instance.released with the change (once).
import { instanceEvent } from "@/lib/events/instance-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { lockInstanceOrThrow } from "@/lib/instances/lock-instance";
import { orderActionKey } from "@/lib/instances/order-key";
import type { ReleaseCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export async function releaseInstance(ctx: SaasContext, cmd: ReleaseCommand): Promise<SaasOutcome> {
  const { tx } = ctx;
  const instance = await lockInstanceOrThrow(tx, cmd.instanceId);
  const links = { instanceId: cmd.instanceId, orderId: cmd.orderId, orderLineId: cmd.orderLineId };
  if (instance.state === "RELEASED") {
    return { resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note: "already released: no effect" };
  }
  const now = new Date();
  const released = await tx.instance.update({ where: { id: cmd.instanceId }, data: { state: "RELEASED", releasedAt: now } });
  // An unsubscribe order (V2) is recorded; V1 sends the purchase order, which we already have.
  if (cmd.orderId && cmd.orderId !== instance.orderId) {
    await tx.order.createMany({
      data: [
        {
          orderKey: orderActionKey("UNSUBSCRIBE", cmd.orderId, cmd.orderLineId),
          orderId: cmd.orderId,
          orderLineId: cmd.orderLineId ?? null,
          instanceId: cmd.instanceId,
          kind: "UNSUBSCRIBE",
          isTest: cmd.isTest,
          fetchStatus: "SKIPPED",
        },
      ],
      skipDuplicates: true,
    });
  }
  await tx.instanceEvent.create({
    data: {
      instanceId: cmd.instanceId,
      kind: "RELEASED",
      fromState: instance.state,
      toState: "RELEASED",
      orderId: cmd.orderId ?? null,
      orderLineId: cmd.orderLineId ?? null,
      actor: ctx.actor,
      callbackLogId: ctx.callbackLogId ?? null,
    },
  });
  const data = { previousState: instance.state, orderId: cmd.orderId ?? null, orderLineId: cmd.orderLineId ?? null };
  await writeEvents(tx, [instanceEvent("instance.released", released, data, now, { isTestCall: cmd.isTest })], now);
  return { resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note: "released" };
}
