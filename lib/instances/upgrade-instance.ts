// upgradeInstance (V2) / upgrade (V1): record the upgrade order once; the new
// specification is read from the order query in the background when the call
// does not carry it (V2). The merchant is told instance.upgraded.
import { instanceEvent } from "@/lib/events/instance-events";
import { applyInstanceOrder } from "@/lib/instances/apply-instance-order";
import type { SaasContext, SaasOutcome, UpgradeCommand } from "@/lib/instances/types";

export function upgradeInstance(ctx: SaasContext, cmd: UpgradeCommand): Promise<SaasOutcome> {
  const { instanceId, orderId, orderLineId, isTest, productId, skuCode } = cmd;
  return applyInstanceOrder(
    ctx,
    { kind: "UPGRADE", instanceId, orderId, orderLineId, isTest, productId, skuCode },
    {
      eventKind: "UPGRADED",
      update: () => ({
        ...(productId ? { productId } : {}),
        ...(skuCode ? { skuCode } : {}),
        ...(cmd.extendParams !== undefined ? { extendParams: cmd.extendParams as object } : {}),
      }),
      detail: () => ({ productId: productId ?? null, skuCode: skuCode ?? null }),
      event: (updated, before, at) =>
        instanceEvent(
          "instance.upgraded",
          updated,
          {
            orderId,
            orderLineId: orderLineId ?? null,
            productId: updated.productId,
            skuCode: updated.skuCode,
            previousProductId: before.productId,
            previousSkuCode: before.skuCode,
            isSpecPending: !skuCode,
          },
          at,
          { isTestCall: isTest },
        ),
      note: "upgrade recorded",
      repeatNote: "repeat of an applied upgrade: no effect",
    },
  );
}
