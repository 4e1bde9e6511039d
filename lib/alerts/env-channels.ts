// Channels from the environment (SMTP_URL + ALERT_EMAIL_*, ALERT_DINGTALK_*,
// ALERT_FEISHU_*, ALERT_WECOM_URL, ALERT_WEBHOOK_*), kept as AlertChannel rows
// with fixed ids and isFromEnv, so notifications name them like any other.
// Every start writes their settings again (the environment wins); an owner's
// enable/disable is kept; a variable that is gone disables its row (its
// history stays).
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { isUniqueViolation } from "@/lib/errors";
import { sealChannelConfig, summarizeChannel } from "@/lib/alerts/channel-config";
import type { ChannelKind, OpenChannel } from "@/lib/alerts/channels/types";

const ENV_NAMES: Record<ChannelKind, string> = {
  EMAIL: "E-mail (environment)",
  DINGTALK: "DingTalk (environment)",
  FEISHU: "Feishu/Lark (environment)",
  WECOM: "WeCom (environment)",
  WEBHOOK: "Webhook (environment)",
};

export const envChannelId = (kind: ChannelKind) => `env-${kind.toLowerCase()}`;

/** The channels the environment configures. */
export function envChannelsOf(env: Env): OpenChannel[] {
  const a = env.alerts;
  const out: OpenChannel[] = [];
  if (a.email) out.push({ kind: "EMAIL", config: { smtpUrl: a.email.smtpUrl, from: a.email.from, to: a.email.to } });
  if (a.dingtalk) out.push({ kind: "DINGTALK", config: { url: a.dingtalk.url, secret: a.dingtalk.secret, msgtype: "markdown" } });
  if (a.feishu) out.push({ kind: "FEISHU", config: { url: a.feishu.url, secret: a.feishu.secret } });
  if (a.wecom) out.push({ kind: "WECOM", config: { url: a.wecom.url } });
  if (a.webhook) out.push({ kind: "WEBHOOK", config: { url: a.webhook.url, secret: a.webhook.secret } });
  return out;
}

export async function syncEnvAlertChannels(db: Db, env: Env): Promise<void> {
  const channels = envChannelsOf(env);
  for (const channel of channels) {
    const data = {
      name: ENV_NAMES[channel.kind],
      kind: channel.kind,
      configEnc: sealChannelConfig(channel, env.encryptionKey),
      summary: summarizeChannel(channel),
    };
    const id = envChannelId(channel.kind);
    try {
      await db.alertChannel.upsert({ where: { id }, create: { id, ...data, isFromEnv: true, createdBy: "environment" }, update: data });
    } catch (error) {
      // Another app instance starting at the same moment created it first: ours is then an update.
      if (!isUniqueViolation(error)) throw error;
      await db.alertChannel.update({ where: { id }, data });
    }
  }
  const configured = channels.map((c) => envChannelId(c.kind));
  await db.alertChannel.updateMany({
    where: { isFromEnv: true, id: { notIn: configured }, isEnabled: true },
    data: { isEnabled: false, summary: "no longer configured in the environment" },
  });
}
