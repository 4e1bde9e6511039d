// E-mail over SMTP with nodemailer: SMTP_URL (smtp:// or smtps://, with
// user:password when the server asks), a sender and recipients. One
// connection per message: alerts are rare, a pool would only hold sockets.
import nodemailer from "nodemailer";
import { ChannelError, messageFooter, messageText, type AlertMessage, type EmailConfig } from "@/lib/alerts/channels/types";
import { CHANNEL_TIMEOUT_MS } from "@/lib/alerts/channels/robot-http";

export function emailContent(m: AlertMessage): { subject: string; text: string } {
  const { heading, text } = messageText(m);
  return { subject: heading.slice(0, 200), text: `${text}\n\n${messageFooter(m)}\n` };
}

export async function sendEmail(config: EmailConfig, m: AlertMessage): Promise<void> {
  const transport = nodemailer.createTransport({
    url: config.smtpUrl,
    connectionTimeout: CHANNEL_TIMEOUT_MS,
    greetingTimeout: CHANNEL_TIMEOUT_MS,
    socketTimeout: 2 * CHANNEL_TIMEOUT_MS,
  });
  try {
    const { subject, text } = emailContent(m);
    const info = await transport.sendMail({ from: config.from, to: config.to, subject, text, messageId: `<${m.id}@koogallery-portal>` });
    if (info.rejected.length > 0 && info.accepted.length === 0) throw new ChannelError(`every recipient was refused (${info.rejected.length})`);
  } catch (error) {
    if (error instanceof ChannelError) throw error;
    throw new ChannelError(`SMTP: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    transport.close();
  }
}
