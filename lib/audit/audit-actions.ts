// The audit trail's actions: stable codes stored in AuditEntry.action, the
// group each belongs to (the page's filter), and the subject kinds. The
// portal's labels for them are in the audit catalog (lib/i18n/messages/<lang>/audit.json).

export const AUDIT_GROUPS = {
  signIn: ["sign-in", "sign-out"],
  instance: ["instance.freeze", "instance.unfreeze", "instance.reprovision", "instance.password-reveal"],
  callback: ["callback.retry", "callback.bulk-retry"],
  event: ["event.resend", "event.bulk-resend"],
  staff: ["staff.create", "staff.role", "staff.disable", "staff.enable", "staff.password-reset"],
  settings: [
    "webhook.create",
    "webhook.update",
    "webhook.rotate-secret",
    "webhook.delete",
    "alert-channel.create",
    "alert-channel.update",
    "alert-channel.delete",
    "alert-channel.test",
    "alert-rule.update",
  ],
} as const;

export type AuditGroup = keyof typeof AUDIT_GROUPS;
export type AuditAction = (typeof AUDIT_GROUPS)[AuditGroup][number];

export const AUDIT_GROUP_NAMES = Object.keys(AUDIT_GROUPS) as AuditGroup[];
export const AUDIT_ACTIONS: readonly AuditAction[] = AUDIT_GROUP_NAMES.flatMap((g) => AUDIT_GROUPS[g]);

export function isAuditAction(value: string): value is AuditAction {
  return (AUDIT_ACTIONS as readonly string[]).includes(value);
}

export function isAuditGroup(value: string): value is AuditGroup {
  return (AUDIT_GROUP_NAMES as readonly string[]).includes(value);
}

export type AuditSubjectType = "instance" | "staff" | "callback" | "event" | "webhook-endpoint" | "alert-channel" | "alert-rule";

export const AUDIT_OUTCOMES = ["ok", "refused"] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];
