// Row lock for state transitions: concurrent freeze/unfreeze/release calls on
// one instance apply one after another, each seeing the other's result.
import type { Tx } from "@/lib/db";
import type { InstanceState, ProvisionStatus } from "@/lib/generated/prisma/client";
import { CallbackError } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";

export type LockedInstance = {
  id: string;
  state: InstanceState;
  provisionStatus: ProvisionStatus;
  isTest: boolean;
  orderId: string;
  expireAt: Date | null;
  /** When KooGallery sent the last status change applied (change-instance-status.ts). */
  statusSentAt: Date | null;
};

export async function lockInstance(tx: Tx, id: string): Promise<LockedInstance | null> {
  const rows = await tx.$queryRaw<LockedInstance[]>`
    SELECT id, state, "provisionStatus", "isTest", "orderId", "expireAt", "statusSentAt" FROM "Instance" WHERE id = ${id} FOR UPDATE`;
  return rows[0] ?? null;
}

export async function lockInstanceOrThrow(tx: Tx, id: string): Promise<LockedInstance> {
  const row = await lockInstance(tx, id);
  if (!row) throw new CallbackError(ResultCode.INSTANCE_NOT_FOUND, "instance does not exist");
  return row;
}
