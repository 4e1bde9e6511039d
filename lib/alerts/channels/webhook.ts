// A generic webhook for anything else (PagerDuty-style relays, a chat bridge):
// the alert as JSON, signed the Standard Webhooks way like every message the
// portal sends (lib/webhooks/standard-webhooks.ts); any 2xx is success.
// `webhook-id` is the notification's id, so a receiver dedupes retries.
import { postJson } from "@/lib/alerts/channels/robot-http";
import { ChannelError, type AlertMessage, type WebhookConfig } from "@/lib/alerts/channels/types";
import { signWebhook } from "@/lib/webhooks/standard-webhooks";

export function webhookBody(m: AlertMessage, now: Date): string {
  return JSON.stringify({
    type: `alert.${m.kind}`,
    timestamp: now.toISOString(),
    data: {
      alertId: m.alertId,
      rule: m.rule,
      subject: m.subjectKey,
      title: m.title,
      body: m.body,
      link: m.link,
      firedAt: m.firedAt.toISOString(),
      resolvedAt: m.resolvedAt?.toISOString() ?? null,
    },
  });
}

export async function sendWebhook(config: WebhookConfig, m: AlertMessage, now: Date = new Date()): Promise<void> {
  const body = webhookBody(m, now);
  const headers = config.secret
    ? signWebhook([config.secret], m.id, body, now)
    : { "webhook-id": m.id, "webhook-timestamp": String(Math.floor(now.getTime() / 1000)) };
  const answer = await postJson(config.url, body, headers);
  if (answer.status < 200 || answer.status > 299) throw new ChannelError(`HTTP ${answer.status}: ${answer.text.slice(0, 200)}`);
}
