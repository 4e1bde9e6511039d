// upgradeInstance (V2) / upgrade (V1): record the upgrade order once; the new
// specification is read from the order query in the background.
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
      note: "upgrade recorded",
      repeatNote: "repeat of an applied upgrade: no effect",
    },
  );
}
