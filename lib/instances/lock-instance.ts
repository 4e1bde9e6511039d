// Row lock for state transitions: concurrent freeze/unfreeze/release calls on
// one instance apply one after another, each seeing the other's result.
import type { Tx } from "@/lib/db";
import type { Instance } from "@/lib/generated/prisma/client";
import { CallbackError } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { lockRow } from "@/lib/sql/lock-rows";

export type LockedInstance = Pick<Instance, "id" | "state" | "provisionStatus" | "isTest" | "orderId" | "expireAt" | "statusSentAt" | "productId" | "skuCode">;

export async function lockInstance(tx: Tx, id: string): Promise<LockedInstance | null> {
  // statusSentAt: when KooGallery sent the last status change applied (change-instance-status.ts).
  return lockRow(tx, "Instance", id, { columns: ["id", "state", "provisionStatus", "isTest", "orderId", "expireAt", "statusSentAt", "productId", "skuCode"] });
}

export async function lockInstanceOrThrow(tx: Tx, id: string): Promise<LockedInstance> {
  const row = await lockInstance(tx, id);
  if (!row) throw new CallbackError(ResultCode.INSTANCE_NOT_FOUND, "instance does not exist");
  return row;
}

/** For the order verbs (refresh, upgrade): a released instance takes no more orders. */
export async function lockLiveInstanceOrThrow(tx: Tx, id: string): Promise<LockedInstance> {
  const row = await lockInstanceOrThrow(tx, id);
  if (row.state === "RELEASED") throw new CallbackError(ResultCode.INSTANCE_NOT_FOUND, "instance has been released");
  return row;
}
