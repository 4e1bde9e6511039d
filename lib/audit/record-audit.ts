// Writing the audit trail. Each change the trail covers calls recordAudit with
// the transaction that makes the change, so the entry exists exactly when the
// change does (a sign-in, which changes nothing to roll back, writes it beside).
// Who and from where come from the request: portalRoute runs every portal API
// call inside withAuditActor (the viewer and the client address), the staff
// CLI inside its own; anything else is "system". Never a secret: callers pass
// ids, codes and the reasons people typed, nothing else.
import { AsyncLocalStorage } from "node:async_hooks";
import type { Viewer } from "@/lib/auth/viewer";
import type { Db, Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { AuditAction, AuditOutcome, AuditSubjectType } from "@/lib/audit/audit-actions";

export type AuditActor = { actor: string; ip?: string | null };

const current = new AsyncLocalStorage<AuditActor>();

/** Runs `fn` with `who` as the actor of every entry it records. */
export function withAuditActor<T>(who: AuditActor, fn: () => T): T {
  return current.run(who, fn);
}

/** "staff:<email>" (as on the instance timeline) or "buyer:<userName>". */
export function auditActorOf(viewer: Viewer): string {
  return viewer.kind === "staff" ? `staff:${viewer.email}` : `buyer:${viewer.userName}`;
}

export type AuditInput = {
  action: AuditAction;
  outcome?: AuditOutcome;
  /** Unless given, the request's actor (withAuditActor), else "system". */
  actor?: string | null;
  tenantId?: string | null;
  instanceId?: string | null;
  subjectType?: AuditSubjectType;
  subjectId?: string | null;
  reason?: string | null;
  detail?: Prisma.InputJsonObject;
  ip?: string | null;
};

const cut = (value: string | null | undefined, max: number) => (value ? value.slice(0, max) : null);

export function auditRow(input: AuditInput): Prisma.AuditEntryCreateManyInput {
  const who = current.getStore();
  return {
    action: input.action,
    outcome: input.outcome ?? "ok",
    actor: cut(input.actor === undefined ? (who?.actor ?? "system") : input.actor, 320),
    tenantId: cut(input.tenantId, 128),
    instanceId: cut(input.instanceId, 128),
    subjectType: input.subjectType ?? null,
    subjectId: cut(input.subjectId, 320),
    reason: cut(input.reason, 500),
    ...(input.detail ? { detail: input.detail } : {}),
    ip: cut(input.ip === undefined ? who?.ip : input.ip, 64),
  };
}

/** One entry, in `tx` (the change's transaction). */
export async function recordAudit(tx: Tx | Db, input: AuditInput): Promise<void> {
  await tx.auditEntry.create({ data: auditRow(input), select: { id: true } });
}
