// SignInEvent rows for buyer sign-ins (staff sign-ins write theirs in
// lib/staff/sign-in-staff.ts). Reasons are short codes, never secrets; a
// failure to record never blocks a sign-in.
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

export async function recordSignIn(event: SignInRecord): Promise<void> {
  try {
    const db = await getDb();
    await db.signInEvent.create({
      data: {
        method: event.method,
        outcome: event.outcome,
        reason: event.reason?.slice(0, 300) ?? null,
        subject: event.subject?.slice(0, 255) ?? null,
        tenantId: event.tenantId?.slice(0, 128) ?? null,
        ip: event.ip?.slice(0, 64) ?? null,
      },
    });
  } catch (error) {
    console.error(`[auth] could not record a sign-in event: ${describeError(error)}`);
  }
}
