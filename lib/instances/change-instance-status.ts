// Freeze and unfreeze (V2 updateInstanceStatus; V1 instanceStatus and expireInstance).
// Repeats succeed without a second effect. Freezing a released instance is
// answered with success (it is already unusable); unfreezing it is 000003.
import { CallbackError } from "@/lib/errors";
import type { InstanceState } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { lockInstanceOrThrow } from "@/lib/instances/lock-instance";
import type { SaasContext, SaasOutcome, StatusCommand } from "@/lib/instances/types";

export async function changeInstanceStatus(ctx: SaasContext, cmd: StatusCommand): Promise<SaasOutcome> {
  const { tx } = ctx;
  const instance = await lockInstanceOrThrow(tx, cmd.instanceId);
  const links = { instanceId: cmd.instanceId, orderId: cmd.orderId };
  const ok = (note: string): SaasOutcome => ({ resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note });

  let next: InstanceState;
  if (cmd.action === "FREEZE") {
    if (instance.state === "RELEASED") return ok("instance already released: nothing to freeze");
    if (instance.state === "FROZEN") return ok("already frozen: no effect");
    next = "FROZEN";
  } else {
    if (instance.state === "RELEASED") throw new CallbackError(ResultCode.INSTANCE_NOT_FOUND, "instance has been released");
    if (instance.state !== "FROZEN") return ok("not frozen: no effect");
    next = instance.provisionStatus === "DONE" ? "ACTIVE" : "PROVISIONING";
  }

  await tx.instance.update({
    where: { id: cmd.instanceId },
    data: { state: next, frozenAt: next === "FROZEN" ? new Date() : null },
  });
  await tx.instanceEvent.create({
    data: {
      instanceId: cmd.instanceId,
      kind: cmd.action === "FREEZE" ? (cmd.reason === "expiry" ? "EXPIRED" : "FROZEN") : "UNFROZEN",
      fromState: instance.state,
      toState: next,
      orderId: cmd.orderId ?? null,
      actor: ctx.actor, callbackLogId: ctx.callbackLogId ?? null,
    },
  });
  return ok(cmd.action === "FREEZE" ? `frozen${cmd.reason === "expiry" ? " (expired)" : ""}` : `unfrozen to ${next.toLowerCase()}`);
}
