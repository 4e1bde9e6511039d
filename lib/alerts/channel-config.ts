// A channel's settings at rest: sealed JSON in AlertChannel.configEnc (robot
// URLs carry their access token, SMTP URLs a password, signing secrets), and a
// secret-free summary for pages. sendToChannel sends one message with the
// kind's sender and keeps every secret of the channel out of its error text.
import { sendDingtalk } from "@/lib/alerts/channels/dingtalk";
import { sendEmail } from "@/lib/alerts/channels/email";
import { sendFeishu } from "@/lib/alerts/channels/feishu";
import { sendWebhook } from "@/lib/alerts/channels/webhook";
import { sendWecom } from "@/lib/alerts/channels/wecom";
import { ChannelError, channelConfigSchemas, type AlertMessage, type ChannelConfig, type ChannelKind, type OpenChannel } from "@/lib/alerts/channels/types";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { redactText } from "@/lib/portal/error-text";

/** Checks settings against the kind's schema (a PortalError is the caller's business). */
export function parseChannelConfig<K extends ChannelKind>(kind: K, config: unknown): ChannelConfig<K> {
  return channelConfigSchemas[kind].parse(config) as ChannelConfig<K>;
}

export function sealChannelConfig(channel: OpenChannel, key: Buffer): string {
  return sealSecret(JSON.stringify(channel.config), key);
}

export function openChannel(row: { kind: ChannelKind; configEnc: string }, key: Buffer): OpenChannel {
  const config: unknown = JSON.parse(openSecret(row.configEnc, key));
  return { kind: row.kind, config: parseChannelConfig(row.kind, config) } as OpenChannel;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return "?";
  }
}

/** What a page may show: hosts and recipients, never a token, key, password or secret. */
/** What a page shows about a channel, without secrets: where it sends, and how (pages word it in the viewer's language). */
export type ChannelDetails = { host: string; isSigned?: boolean; msgtype?: string; from?: string; to?: string[] };

export function channelDetails(channel: OpenChannel): ChannelDetails {
  switch (channel.kind) {
    case "EMAIL":
      return { host: hostOf(channel.config.smtpUrl), from: channel.config.from, to: channel.config.to };
    case "DINGTALK":
      return { host: hostOf(channel.config.url), isSigned: Boolean(channel.config.secret), msgtype: channel.config.msgtype };
    case "FEISHU":
    case "WEBHOOK":
      return { host: hostOf(channel.config.url), isSigned: Boolean(channel.config.secret) };
    case "WECOM":
      return { host: hostOf(channel.config.url) };
  }
}

export function summarizeChannel(channel: OpenChannel): string {
  switch (channel.kind) {
    case "EMAIL":
      return `SMTP ${hostOf(channel.config.smtpUrl)} from ${channel.config.from} to ${channel.config.to.join(", ")}`;
    case "DINGTALK":
      return `DingTalk robot at ${hostOf(channel.config.url)}, ${channel.config.secret ? "signed" : "unsigned"}, ${channel.config.msgtype}`;
    case "FEISHU":
      return `Feishu/Lark robot at ${hostOf(channel.config.url)}, ${channel.config.secret ? "signed" : "unsigned"}`;
    case "WECOM":
      return `WeCom robot at ${hostOf(channel.config.url)}`;
    case "WEBHOOK":
      return `Webhook to ${hostOf(channel.config.url)}, ${channel.config.secret ? "signed (Standard Webhooks)" : "unsigned"}`;
  }
}

/** Every secret value of a channel, for redaction: URLs (tokens in path or query), their query values, passwords, secrets. */
export function secretsOfChannel(channel: OpenChannel): string[] {
  const values: string[] = [];
  const addUrl = (url: string) => {
    values.push(url);
    try {
      const u = new URL(url);
      values.push(u.pathname, u.search, decodeURIComponent(u.password));
      for (const v of u.searchParams.values()) values.push(v);
    } catch {
      // not a URL: the whole value is redacted above
    }
  };
  const c = channel.config as Partial<{ url: string; smtpUrl: string; secret: string }>;
  if (c.url) addUrl(c.url);
  if (c.smtpUrl) addUrl(c.smtpUrl);
  if (c.secret) values.push(c.secret);
  return [...new Set(values.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
}

/** Sends one message; a failure is a ChannelError whose text names no secret of the channel. */
export async function sendToChannel(channel: OpenChannel, message: AlertMessage): Promise<void> {
  try {
    switch (channel.kind) {
      case "EMAIL":
        return await sendEmail(channel.config, message);
      case "DINGTALK":
        return await sendDingtalk(channel.config, message);
      case "FEISHU":
        return await sendFeishu(channel.config, message);
      case "WECOM":
        return await sendWecom(channel.config, message);
      case "WEBHOOK":
        return await sendWebhook(channel.config, message);
    }
  } catch (error) {
    const text = error instanceof ChannelError ? error.message : `${error instanceof Error ? error.name : "Error"}: ${String(error)}`;
    throw new ChannelError(redactText(text, secretsOfChannel(channel)).slice(0, 1000));
  }
}
