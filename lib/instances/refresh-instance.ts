// refreshInstance (V2 scenes; V1 renewal): set the new expiry once per order.
// A repeated order is answered with success and changes nothing. The merchant
// is told instance.trial_converted (TRIAL_TO_FORMAL) or instance.renewed.
import { refreshedEvent } from "@/lib/events/instance-events";
import { applyInstanceOrder } from "@/lib/instances/apply-instance-order";
import type { RefreshInstanceCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export function refreshInstance(ctx: SaasContext, cmd: RefreshInstanceCommand): Promise<SaasOutcome> {
  return applyInstanceOrder(
    ctx,
    { kind: cmd.scene, instanceId: cmd.instanceId, orderId: cmd.orderId, orderLineId: cmd.orderLineId, isTest: cmd.isTest },
    {
      eventKind: cmd.scene,
      update: () => ({
        expireAt: cmd.expireAt,
        ...(cmd.scene === "TRIAL_TO_FORMAL" ? { isTrial: false } : {}),
        ...(cmd.productId ? { productId: cmd.productId } : {}),
      }),
      detail: (instance) => ({
        previousExpireAt: instance.expireAt?.toISOString() ?? null,
        expireAt: cmd.expireAt.toISOString(),
        productId: cmd.productId ?? null,
      }),
      event: (updated, before, at) =>
        refreshedEvent(
          updated,
          {
            orderId: cmd.orderId,
            orderLineId: cmd.orderLineId,
            scene: cmd.scene,
            expireAt: cmd.expireAt,
            previousExpireAt: before.expireAt,
            isTest: cmd.isTest,
          },
          at,
        ),
      note: `${cmd.scene.toLowerCase().replaceAll("_", " ")}: expiry set to ${cmd.expireAt.toISOString()}`,
      repeatNote: "repeat of an applied order: no effect",
    },
  );
}
