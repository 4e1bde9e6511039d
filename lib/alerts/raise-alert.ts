// Raising and resolving alerts, always in the caller's transaction: the Alert
// row, one AlertNotification per enabled channel and one send-alert job per
// notification commit with the change that caused them, or not at all. The
// unique (rule, subjectKey, windowKey) makes a repeat a no-op: one alert per
// subject per rule and window, never a storm.
import { randomUUID } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { enqueueJobs, type EnqueueInput } from "@/lib/jobs/queue";
import { ALERT_RULES, type AlertRuleName } from "@/lib/alerts/rule-catalog";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { renderAlert, type AlertParams } from "@/lib/alerts/alert-text";

export type AlertKey = { rule: AlertRuleName; subjectKey: string; windowKey: string };

export type AlertInput = AlertKey & {
  /** What the alert says, as parameters of its rule's title and body (the alertText catalog; several lines allowed). */
  params: AlertParams;
  /** The portal page about the subject, as a path (`/portal/instances/…`); stored as an absolute URL. */
  link: string;
};

/** A send-alert job: sends one notification; the queue retries it with backoff. */
export const SEND_ALERT_MAX_ATTEMPTS = 8;

export function sendAlertJob(notificationId: string): EnqueueInput {
  return { kind: "send-alert", payload: { notificationId }, dedupeKey: `send-alert:${notificationId}`, maxAttempts: SEND_ALERT_MAX_ATTEMPTS };
}

async function isRuleEnabled(tx: Tx | Db, rule: AlertRuleName): Promise<boolean> {
  const row = await tx.alertRuleSetting.findUnique({ where: { rule }, select: { isEnabled: true } });
  return row?.isEnabled ?? ALERT_RULES[rule].isEnabledByDefault;
}

/** One notification (and its job) per channel, for an alert that exists. */
async function queueNotifications(tx: Tx | Db, alertId: string, kind: "fired" | "resolved", channelIds: string[]): Promise<number> {
  if (channelIds.length === 0) return 0;
  const rows = channelIds.map((channelId) => ({ id: randomUUID(), alertId, channelId, kind }));
  const created = await tx.alertNotification.createMany({ data: rows, skipDuplicates: true });
  await enqueueJobs(
    tx,
    rows.map((r) => sendAlertJob(r.id)),
  );
  return created.count;
}

/**
 * Inserts the alert unless its (rule, subject, window) exists, and only then
 * queues a "fired" message to every enabled channel. A disabled rule raises
 * nothing. Returns whether a message was queued (false: a repeat, a disabled
 * rule, or no enabled channel).
 */
export async function raiseAlert(tx: Tx | Db, input: AlertInput, now: Date = new Date()): Promise<boolean> {
  if (!(await isRuleEnabled(tx, input.rule))) return false;
  const env = getEnv();
  const link = input.link.startsWith("/") ? `${env.publicUrl}${input.link}` : input.link;
  // Stored in the channels' language; the alerts page renders params again for each reader.
  const text = renderAlert({ rule: input.rule, params: input.params }, { locale: env.alerts.locale, timeZone: env.timeZone });
  // ON CONFLICT DO NOTHING: a conflicting plain INSERT would abort the caller's transaction (ADR 0009: set-based upsert).
  const [inserted] = await runSql<{ id: string }>(
    tx,
    sql`INSERT INTO "Alert" (id, rule, "subjectKey", "windowKey", title, body, params, link, "firedAt")
        VALUES (${randomUUID()}, ${input.rule}, ${input.subjectKey}, ${input.windowKey}, ${text.title.slice(0, 300)}, ${text.body.slice(0, 4000)},
                ${JSON.stringify(input.params)}::jsonb, ${link}, ${now})
        ON CONFLICT (rule, "subjectKey", "windowKey") DO NOTHING
        RETURNING id`,
  );
  if (!inserted) return false;
  const channels = await tx.alertChannel.findMany({ where: { isEnabled: true }, select: { id: true }, orderBy: { createdAt: "asc" } });
  return (
    (await queueNotifications(
      tx,
      inserted.id,
      "fired",
      channels.map((c) => c.id),
    )) > 0
  );
}

/**
 * Marks an open alert resolved and, with `notify` (the default), queues a
 * "resolved" message to each still-enabled channel the "fired" one went to.
 * `notify: false` closes an alert another one supersedes (a closing retry
 * window that has closed). Returns whether it was open.
 */
export async function resolveAlert(tx: Tx | Db, which: { id: string } | AlertKey, opts: { notify?: boolean; now?: Date } = {}): Promise<boolean> {
  const alert = await tx.alert.findFirst({
    where:
      "id" in which ? { id: which.id, resolvedAt: null } : { rule: which.rule, subjectKey: which.subjectKey, windowKey: which.windowKey, resolvedAt: null },
    select: { id: true },
  });
  if (!alert) return false;
  const updated = await tx.alert.updateMany({ where: { id: alert.id, resolvedAt: null }, data: { resolvedAt: opts.now ?? new Date() } });
  if (updated.count === 0 || opts.notify === false) return updated.count > 0;
  const fired = await tx.alertNotification.findMany({
    where: { alertId: alert.id, kind: "fired", channel: { isEnabled: true } },
    select: { channelId: true },
  });
  await queueNotifications(
    tx,
    alert.id,
    "resolved",
    fired.map((n) => n.channelId),
  );
  return true;
}

/**
 * Whether staff were told that this instance's provisioning failed: an open
 * provisioning-failed alert with at least one message queued. What the answer
 * to KooGallery may claim ("the merchant has been alerted").
 */
export async function isProvisioningFailureAlerted(db: Tx | Db, instanceId: string): Promise<boolean> {
  const notification = await db.alertNotification.findFirst({
    where: { kind: "fired", alert: { rule: "provisioning-failed", subjectKey: provisioningSubject(instanceId), resolvedAt: null } },
    select: { id: true },
  });
  return notification !== null;
}

export function provisioningSubject(instanceId: string): string {
  return `instance:${instanceId}`;
}
