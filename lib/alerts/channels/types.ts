// What every channel sender gets: one message about one alert (or a test), and
// the channel's settings as stored (sealed) in AlertChannel.configEnc.
import { z } from "zod";
import { alertFrame } from "@/lib/alerts/alert-text";
import type { Locale } from "@/lib/i18n/config";

export type AlertMessageKind = "fired" | "resolved" | "test";

/** One message to one channel. `id` is stable across retries of the same message (the webhook's `webhook-id`). */
export type AlertMessage = {
  id: string;
  kind: AlertMessageKind;
  alertId: string;
  rule: string;
  subjectKey: string;
  title: string;
  body: string;
  /** An absolute URL of the portal page about the subject. */
  link: string;
  firedAt: Date;
  resolvedAt: Date | null;
  /** The language of the frame around title and body (ALERT_LANGUAGE): the mark, the link line, the e-mail's footer. */
  locale: Locale;
};

const url = z.url().max(2000);
const secret = z.string().trim().min(1).max(500);

export const channelConfigSchemas = {
  EMAIL: z.object({
    smtpUrl: z
      .string()
      .max(2000)
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://"),
    from: z.string().trim().min(3).max(320),
    to: z.array(z.email().max(254)).min(1).max(50),
  }),
  DINGTALK: z.object({ url, secret: secret.optional(), msgtype: z.enum(["markdown", "text"]).default("markdown") }),
  FEISHU: z.object({ url, secret: secret.optional() }),
  WECOM: z.object({ url }),
  WEBHOOK: z.object({ url, secret: secret.optional() }),
} as const;

export type ChannelKind = keyof typeof channelConfigSchemas;
export const CHANNEL_KINDS = Object.keys(channelConfigSchemas) as ChannelKind[];
export type ChannelConfig<K extends ChannelKind = ChannelKind> = z.infer<(typeof channelConfigSchemas)[K]>;
export type EmailConfig = ChannelConfig<"EMAIL">;
export type DingtalkConfig = ChannelConfig<"DINGTALK">;
export type FeishuConfig = ChannelConfig<"FEISHU">;
export type WecomConfig = ChannelConfig<"WECOM">;
export type WebhookConfig = ChannelConfig<"WEBHOOK">;

/** A channel as a sender needs it: its kind and its opened settings. */
export type OpenChannel = { [K in ChannelKind]: { kind: K; config: ChannelConfig<K> } }[ChannelKind];

/** A refusal or a transport failure; its message is already free of the channel's secrets. */
export class ChannelError extends Error {
  override name = "ChannelError";
}

/** The text every channel shows, in the same words: what happened, what to do, where to look. */
export function messageText(m: AlertMessage): { heading: string; text: string; openLink: string } {
  const frame = alertFrame(m.locale);
  return { heading: frame.heading(m.kind, m.title), text: `${m.body}\n\n${frame.open(m.link)}`, openLink: frame.openLink() };
}

/** The e-mail's last line: which rule and subject (ids, for a mail filter). */
export function messageFooter(m: AlertMessage): string {
  return alertFrame(m.locale).footer(m.rule, m.subjectKey);
}
