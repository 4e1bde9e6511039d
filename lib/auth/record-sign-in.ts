// Sign-ins, refusals and sign-outs in the audit trail ("sign-in", "sign-out";
// staff and buyers alike). Reasons are short codes, never secrets; a failure
// to record never blocks a sign-in.
import { recordAudit, type AuditInput } from "@/lib/audit/record-audit";
import { getDb } from "@/lib/db";
import { describeError } from "@/lib/errors";

export type SignInRecord = {
  method: "koogallery-oauth" | "koogallery-cas" | "staff";
  outcome: "ok" | "refused" | "signed-out";
  reason?: string;
  subject?: string;
  tenantId?: string;
  ip?: string;
};

/** The entry: the actor is the name the person gave (staff:<email>, buyer:<userName>), even when it was refused. */
export function signInAudit(event: SignInRecord): AuditInput {
  const prefix = event.method === "staff" ? "staff" : "buyer";
  return {
    action: event.outcome === "signed-out" ? "sign-out" : "sign-in",
    outcome: event.outcome === "refused" ? "refused" : "ok",
    actor: event.subject ? `${prefix}:${event.subject}` : null,
    tenantId: event.tenantId ?? null,
    reason: event.reason ?? null,
    detail: { method: event.method },
    ip: event.ip ?? null,
  };
}

export async function recordSignIn(event: SignInRecord): Promise<void> {
  try {
    const db = await getDb();
    await recordAudit(db, signInAudit(event));
  } catch (error) {
    console.error(`[auth] could not record a sign-in event: ${describeError(error)}`);
  }
}
