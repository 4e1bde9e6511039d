// What merchant staff may do to an instance from the portal: freeze, unfreeze,
// re-run a failed or stuck provisioning, and reveal the initial admin
// password. Each verb re-checks in its own transaction that the actor is an
// enabled OPERATOR or OWNER (fail closed, whatever the caller checked), holds
// the instance's row lock, and writes its InstanceEvent in that transaction
// (actor `staff:<email>`), with the merchant's event for a freeze or unfreeze
// (instance.frozen/unfrozen, `by: "staff"`). Impossible transitions are a
// conflict, not the silent success KooGallery's own repeats get
// (change-instance-status.ts). Each also leaves an audit entry in that
// transaction (lib/audit/).
import { getDb, type Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { PortalError, type ApiErrorKey } from "@/lib/errors";
import { openSecret, SecretBoxError } from "@/lib/crypto/secret-box";
import type { InstanceState, ProvisionStatus } from "@/lib/generated/prisma/client";
import { enqueueJobs } from "@/lib/jobs/queue";
import { kickWorker } from "@/lib/jobs/worker";
import { applyStatusChange, planStatusChange, type StatusAction } from "@/lib/instances/change-instance-status";
import { lockInstance, type LockedInstance } from "@/lib/instances/lock-instance";
import { provisionJob } from "@/lib/instances/provision-instance";
import { redactText } from "@/lib/portal/error-text";
import { recordAudit } from "@/lib/audit/record-audit";

export type StaffActor = { staffId: string; email: string };

export type StaffActionInput = { actor: StaffActor; instanceId: string; reason?: string };

export type StaffActionResult = { instanceId: string; state: InstanceState; provisionStatus: ProvisionStatus };

export type RevealedAppInfo = { instanceId: string; frontEndUrl: string | null; adminUrl: string | null; adminUserName: string | null; password: string };

const MAX_REASON = 500;

function actorName(actor: StaffActor): string {
  return `staff:${actor.email}`;
}

function cleanReason(reason: string | undefined): string | undefined {
  const r = reason?.trim();
  if (!r) return undefined;
  if (r.length > MAX_REASON) throw new PortalError("bad_request", `reason is longer than ${MAX_REASON} characters`);
  return r;
}

/** The actor, re-read: an enabled account with the operator role or higher. */
async function requireOperator(tx: Tx, actor: StaffActor): Promise<void> {
  const staff = await tx.staffUser.findUnique({ where: { id: actor.staffId }, select: { email: true, role: true, disabledAt: true } });
  if (!staff || staff.disabledAt || staff.email !== actor.email.toLowerCase())
    throw new PortalError("forbidden", "only enabled merchant staff may do this", { key: "enabledStaffOnly" });
  if (staff.role !== "OPERATOR" && staff.role !== "OWNER")
    throw new PortalError("forbidden", "this needs the operator role or higher", { key: "operatorsOnly" });
}

async function lockForStaff(tx: Tx, instanceId: string): Promise<LockedInstance> {
  const instance = await lockInstance(tx, instanceId);
  if (!instance) throw new PortalError("not_found", "no such instance", { key: "instanceNotFound" });
  return instance;
}

type Refusal = { message: string; key: ApiErrorKey };
const REFUSALS: Record<StatusAction, Partial<Record<InstanceState, Refusal>>> = {
  FREEZE: {
    RELEASED: { message: "a released instance cannot be frozen", key: "releasedNoFreeze" },
    FROZEN: { message: "the instance is already frozen", key: "alreadyFrozen" },
  },
  UNFREEZE: {
    RELEASED: { message: "a released instance cannot be unfrozen", key: "releasedNoUnfreeze" },
    ACTIVE: { message: "the instance is not frozen", key: "notFrozen" },
    PROVISIONING: { message: "the instance is not frozen", key: "notFrozen" },
  },
};

async function changeStatus(input: StaffActionInput, action: StatusAction): Promise<StaffActionResult> {
  const reason = cleanReason(input.reason);
  const db = await getDb();
  return db.$transaction(async (tx) => {
    await requireOperator(tx, input.actor);
    const instance = await lockForStaff(tx, input.instanceId);
    const plan = planStatusChange(instance, action);
    if (plan.kind !== "change") {
      const refusal = REFUSALS[action][instance.state];
      throw refusal ? new PortalError("conflict", refusal.message, { key: refusal.key }) : new PortalError("conflict", plan.why);
    }
    await applyStatusChange(
      tx,
      instance,
      plan.next,
      {
        kind: action === "FREEZE" ? "staff-freeze" : "staff-unfreeze",
        actor: actorName(input.actor),
        detail: { staffId: input.actor.staffId, ...(reason ? { reason } : {}) },
      },
      { by: "staff" },
    );
    await recordAudit(tx, {
      action: action === "FREEZE" ? "instance.freeze" : "instance.unfreeze",
      actor: actorName(input.actor),
      instanceId: instance.id,
      subjectType: "instance",
      subjectId: instance.id,
      reason,
    });
    return { instanceId: instance.id, state: plan.next, provisionStatus: instance.provisionStatus };
  });
}

export function freezeInstance(input: StaffActionInput): Promise<StaffActionResult> {
  return changeStatus(input, "FREEZE");
}

export function unfreezeInstance(input: StaffActionInput): Promise<StaffActionResult> {
  return changeStatus(input, "UNFREEZE");
}

/**
 * Provisioning again, for an instance whose provisioning FAILED or is stuck
 * PENDING: back to PENDING and the callback path's provision-instance job
 * queued again (its dedupe key already has a row once it ran: that row is
 * reset, attempts and all). A job running right now is left to finish.
 */
export async function rerunProvisioning(input: StaffActionInput): Promise<StaffActionResult> {
  const reason = cleanReason(input.reason);
  const db = await getDb();
  const result = await db.$transaction(async (tx) => {
    await requireOperator(tx, input.actor);
    const instance = await lockForStaff(tx, input.instanceId);
    if (instance.state === "RELEASED") throw new PortalError("conflict", "a released instance is not provisioned again", { key: "releasedNoReprovision" });
    if (instance.provisionStatus === "DONE") throw new PortalError("conflict", "the instance is already provisioned", { key: "alreadyProvisioned" });
    const before = await tx.instance.findUniqueOrThrow({ where: { id: instance.id }, select: { provisionError: true } });
    await tx.instance.update({ where: { id: instance.id }, data: { provisionStatus: "PENDING", provisionError: null } });
    const job = provisionJob(instance.id);
    const existing = await tx.job.findUnique({ where: { dedupeKey: job.dedupeKey }, select: { id: true, status: true, lockedUntil: true } });
    if (!existing) await enqueueJobs(tx, [job]);
    else {
      if (existing.status === "RUNNING" && existing.lockedUntil && existing.lockedUntil > new Date()) {
        throw new PortalError("conflict", "provisioning is running right now; wait for it to finish", { key: "provisioningRunning" });
      }
      await tx.job.update({
        where: { id: existing.id },
        data: { status: "PENDING", attempts: 0, runAt: new Date(), lockedUntil: null, lockedBy: null, lastError: null, finishedAt: null },
      });
    }
    await tx.instanceEvent.create({
      data: {
        instanceId: instance.id,
        kind: "staff-reprovision",
        fromState: instance.state,
        toState: instance.state,
        actor: actorName(input.actor),
        detail: {
          staffId: input.actor.staffId,
          previousStatus: instance.provisionStatus,
          ...(before.provisionError ? { previousError: before.provisionError } : {}),
          ...(reason ? { reason } : {}),
        },
      },
    });
    await recordAudit(tx, {
      action: "instance.reprovision",
      actor: actorName(input.actor),
      instanceId: instance.id,
      subjectType: "instance",
      subjectId: instance.id,
      reason,
      detail: { previousStatus: instance.provisionStatus },
    });
    return { instanceId: instance.id, state: instance.state, provisionStatus: "PENDING" as const };
  });
  kickWorker();
  return result;
}

/**
 * The initial admin password, opened for an operator. The event records who
 * revealed it and when, never the value; the event is written before the
 * password is returned, in the same transaction.
 */
export async function revealAppInfo(input: Omit<StaffActionInput, "reason">): Promise<RevealedAppInfo> {
  const db = await getDb();
  const key = getEnv().encryptionKey;
  return db.$transaction(async (tx) => {
    await requireOperator(tx, input.actor);
    const row = await tx.instance.findUnique({
      where: { id: input.instanceId },
      select: { id: true, state: true, frontEndUrl: true, adminUrl: true, adminUserName: true, adminPasswordEnc: true },
    });
    if (!row) throw new PortalError("not_found", "no such instance", { key: "instanceNotFound" });
    if (!row.adminPasswordEnc) throw new PortalError("conflict", "no admin password is stored for this instance", { key: "noAdminPassword" });
    let password: string;
    try {
      password = openSecret(row.adminPasswordEnc, key);
    } catch (error) {
      if (error instanceof SecretBoxError)
        throw new PortalError("conflict", "the stored password cannot be opened with the current PORTAL_ENCRYPTION_KEY", { key: "passwordSealedOtherKey" });
      throw error;
    }
    await tx.instanceEvent.create({
      data: {
        instanceId: row.id,
        kind: "app-info-revealed",
        fromState: row.state,
        toState: row.state,
        actor: actorName(input.actor),
        detail: { staffId: input.actor.staffId },
      },
    });
    await recordAudit(tx, {
      action: "instance.password-reveal",
      actor: actorName(input.actor),
      instanceId: row.id,
      subjectType: "instance",
      subjectId: row.id,
    });
    // The addresses as the page shows them everywhere: without URL credentials.
    const url = (value: string | null) => (value === null ? null : redactText(value, []));
    return { instanceId: row.id, frontEndUrl: url(row.frontEndUrl), adminUrl: url(row.adminUrl), adminUserName: row.adminUserName, password };
  });
}
