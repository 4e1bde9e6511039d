// The send-alert job: one notification to one channel. A failure is recorded
// on the notification (status, attempts, lastError) and thrown so the job
// queue retries it with backoff; after the last attempt the notification is
// FAILED and the job ends (the alerts page shows it, and a send-alert job is
// never itself alerted on: a broken channel must not alert about itself).
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import type { JobRow } from "@/lib/jobs/queue";
import { openChannel, sendToChannel } from "@/lib/alerts/channel-config";
import { ChannelError, type AlertMessage } from "@/lib/alerts/channels/types";
import type { Alert, AlertNotification } from "@/lib/generated/prisma/client";

export function messageOf(notification: Pick<AlertNotification, "id" | "kind">, alert: Alert): AlertMessage {
  return {
    id: `alert_${notification.id}`,
    kind: notification.kind === "resolved" ? "resolved" : "fired",
    alertId: alert.id,
    rule: alert.rule,
    subjectKey: alert.subjectKey,
    title: alert.title,
    body: alert.body,
    link: alert.link,
    firedAt: alert.firedAt,
    resolvedAt: alert.resolvedAt,
    locale: getEnv().alerts.locale,
  };
}

export async function runSendAlertJob(db: Db, payload: unknown, job: JobRow): Promise<void> {
  const notificationId = (payload as { notificationId?: string } | null)?.notificationId ?? "";
  const n = await db.alertNotification.findUnique({ where: { id: notificationId }, include: { alert: true, channel: true } });
  // A deleted channel took its notifications with it; a sent one is not sent twice.
  if (!n || n.status !== "PENDING") return;
  const record = (data: { status: "PENDING" | "DELIVERED" | "FAILED"; lastError: string | null; sentAt?: Date }) =>
    db.alertNotification.updateMany({ where: { id: n.id, status: "PENDING" }, data: { ...data, attempts: job.attempts } });
  if (!n.channel.isEnabled) {
    await record({ status: "FAILED", lastError: "the channel was disabled before the message was sent" });
    return;
  }
  try {
    await sendToChannel(openChannel(n.channel, getEnv().encryptionKey), messageOf(n, n.alert));
    await record({ status: "DELIVERED", lastError: null, sentAt: new Date() });
  } catch (error) {
    // sendToChannel's errors are already free of the channel's secrets; anything else (a config that no longer opens) says only its kind.
    const text = error instanceof ChannelError ? error.message : `the channel's settings cannot be read (${describeError(error).split(":")[0]})`;
    const isLast = job.attempts >= job.maxAttempts || !(error instanceof ChannelError);
    await record({ status: isLast ? "FAILED" : "PENDING", lastError: text });
    if (!isLast) throw new ChannelError(text);
  }
}
