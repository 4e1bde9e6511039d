// Freeze and unfreeze (V2 updateInstanceStatus; V1 instanceStatus and expireInstance).
// Repeats succeed without a second effect. Freezing a released instance is
// answered with success (it is already unusable); unfreezing it is 000003.
// A call sent before the last status change applied (Instance.statusSentAt)
// arrived late and is skipped with success: a delayed FREEZE must not undo a
// newer UNFREEZE, nor the reverse (ADR 0006). Staff actions do not move that
// mark: they are not KooGallery's calls and have no time of KooGallery's clock.
// The transition rules and the write are shared with the staff actions
// (lib/instances/staff-actions.ts), which refuse instead of answering success.
// Each change tells the merchant (instance.frozen, instance.unfrozen, or
// instance.expired for V1's expireInstance) in the same transaction.
import type { Db, Tx } from "@/lib/db";
import { CallbackError } from "@/lib/errors";
import type { InstanceState, Prisma, ProvisionStatus } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { instanceEvent, type StatusChangedBy } from "@/lib/events/instance-events";
import { writeEvents } from "@/lib/events/outbox";
import { lockInstanceOrThrow } from "@/lib/instances/lock-instance";
import type { SaasContext, SaasOutcome, StatusCommand } from "@/lib/instances/types";

export type StatusAction = "FREEZE" | "UNFREEZE";

/** What a freeze or unfreeze does to an instance in this state. */
export type StatusPlan = { kind: "change"; next: InstanceState } | { kind: "no-effect"; why: string } | { kind: "refused"; why: string };

export function planStatusChange(instance: { state: InstanceState; provisionStatus: ProvisionStatus }, action: StatusAction): StatusPlan {
  if (action === "FREEZE") {
    if (instance.state === "RELEASED") return { kind: "no-effect", why: "instance already released: nothing to freeze" };
    if (instance.state === "FROZEN") return { kind: "no-effect", why: "already frozen: no effect" };
    return { kind: "change", next: "FROZEN" };
  }
  if (instance.state === "RELEASED") return { kind: "refused", why: "instance has been released" };
  if (instance.state !== "FROZEN") return { kind: "no-effect", why: "not frozen: no effect" };
  return { kind: "change", next: instance.provisionStatus === "DONE" ? "ACTIVE" : "PROVISIONING" };
}

/** Who the merchant's event names as the cause; `isExpiry`: V1 expireInstance (instance.expired instead of instance.frozen). */
export type StatusNotice = { by: StatusChangedBy; isExpiry?: boolean; isTestCall?: boolean };

/** Writes a planned change, its history row and the merchant's event (the caller holds the row lock). */
export async function applyStatusChange(
  tx: Tx | Db,
  instance: { id: string; state: InstanceState },
  next: InstanceState,
  event: { kind: string; actor: string; orderId?: string | null; callbackLogId?: string | null; detail?: Prisma.InputJsonValue; statusSentAt?: Date },
  notice: StatusNotice,
): Promise<void> {
  const now = new Date();
  const updated = await tx.instance.update({
    where: { id: instance.id },
    data: { state: next, frozenAt: next === "FROZEN" ? now : null, ...(event.statusSentAt ? { statusSentAt: event.statusSentAt } : {}) },
  });
  await tx.instanceEvent.create({
    data: {
      instanceId: instance.id,
      kind: event.kind,
      fromState: instance.state,
      toState: next,
      orderId: event.orderId ?? null,
      actor: event.actor,
      callbackLogId: event.callbackLogId ?? null,
      ...(event.detail === undefined ? {} : { detail: event.detail }),
    },
  });
  const previousState = instance.state;
  const opts = { isTestCall: notice.isTestCall };
  const merchantEvent =
    next !== "FROZEN"
      ? instanceEvent("instance.unfrozen", updated, { previousState, by: notice.by }, now, opts)
      : notice.isExpiry
        ? instanceEvent("instance.expired", updated, { previousState, orderId: event.orderId ?? null }, now, opts)
        : instanceEvent("instance.frozen", updated, { previousState, by: notice.by }, now, opts);
  await writeEvents(tx, [merchantEvent], now);
}

export async function changeInstanceStatus(ctx: SaasContext, cmd: StatusCommand): Promise<SaasOutcome> {
  const { tx } = ctx;
  const instance = await lockInstanceOrThrow(tx, cmd.instanceId);
  const links = { instanceId: cmd.instanceId, orderId: cmd.orderId };
  const ok = (note: string): SaasOutcome => ({ resultCode: ResultCode.SUCCESS, resultMsg: "success", links, isTest: cmd.isTest, note });

  const sentAt = ctx.sentAt;
  if (sentAt && instance.statusSentAt && sentAt < instance.statusSentAt) {
    return ok(
      `skipped: older than the last applied status change (this one sent ${sentAt.toISOString()}, ` +
        `the applied one ${instance.statusSentAt.toISOString()}); nothing changed`,
    );
  }
  // Only forward; equal times (a re-send of the same call) apply again, idempotently.
  const isNewer = sentAt !== undefined && (!instance.statusSentAt || sentAt > instance.statusSentAt);

  const plan = planStatusChange(instance, cmd.action);
  if (plan.kind === "refused") throw new CallbackError(ResultCode.INSTANCE_NOT_FOUND, plan.why);
  if (plan.kind === "no-effect") {
    // Still the latest word on the status: an older opposite call must not apply after it.
    if (isNewer) await tx.instance.update({ where: { id: instance.id }, data: { statusSentAt: sentAt } });
    return ok(plan.why);
  }
  const next = plan.next;

  await applyStatusChange(
    tx,
    instance,
    next,
    {
      kind: cmd.action === "FREEZE" ? (cmd.reason === "expiry" ? "EXPIRED" : "FROZEN") : "UNFROZEN",
      actor: ctx.actor,
      orderId: cmd.orderId,
      callbackLogId: ctx.callbackLogId,
      ...(isNewer ? { statusSentAt: sentAt } : {}),
    },
    { by: "koogallery", isExpiry: cmd.reason === "expiry", isTestCall: cmd.isTest },
  );
  return ok(cmd.action === "FREEZE" ? `frozen${cmd.reason === "expiry" ? " (expired)" : ""}` : `unfrozen to ${next.toLowerCase()}`);
}
