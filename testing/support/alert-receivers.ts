// Stand-ins for the places alerts go, for unit and integration tests: an SMTP
// server (smtp-server, messages read back with mailparser) and HTTP receivers
// that check each robot's signing rule the way the robot does, computed here
// from the documented rule (not with the portal's own code), and answer as the
// robot answers: HTTP 200 with errcode/code 0, or an error code.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";

export type SmtpSink = { url: string; messages: ParsedMail[]; close(): Promise<void> };

/** An SMTP server on 127.0.0.1 without TLS; with credentials it demands them (AUTH PLAIN/LOGIN). */
export async function startSmtpSink(credentials?: { user: string; pass: string }): Promise<SmtpSink> {
  const messages: ParsedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: credentials ? ["STARTTLS"] : ["STARTTLS", "AUTH"],
    authOptional: !credentials,
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials && auth.username === credentials.user && auth.password === credentials.pass) callback(null, { user: auth.username });
      else callback(new Error("Invalid username or password"));
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messages.push(mail);
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const auth = credentials ? `${encodeURIComponent(credentials.user)}:${encodeURIComponent(credentials.pass)}@` : "";
  return { url: `smtp://${auth}127.0.0.1:${port}`, messages, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export type RobotKind = "dingtalk" | "feishu" | "wecom" | "webhook";
export type ReceivedMessage = { kind: RobotKind; url: string; headers: IncomingMessage["headers"]; body: Record<string, unknown>; isAccepted: boolean };

export type RobotReceivers = {
  baseUrl: string;
  /** The robot URLs to configure (tokens and keys included). */
  urls: Record<RobotKind, string>;
  secrets: { dingtalk: string; feishu: string; webhook: string };
  wecomKey: string;
  received: ReceivedMessage[];
  accepted(kind: RobotKind): ReceivedMessage[];
  close(): Promise<void>;
};

const HOUR_MS = 60 * 60 * 1000;

/** DingTalk: `sign` = base64(HMAC-SHA256(secret, timestamp + "\n" + secret)), `timestamp` in ms within an hour. */
function dingtalkVerdict(url: URL, secret: string, token: string): { errcode: number; errmsg: string } {
  if (url.searchParams.get("access_token") !== token) return { errcode: 300001, errmsg: "token is not exist" };
  const timestamp = url.searchParams.get("timestamp") ?? "";
  if (!/^\d{13}$/.test(timestamp) || Math.abs(Date.now() - Number(timestamp)) > HOUR_MS) return { errcode: 310000, errmsg: "invalid timestamp" };
  const expected = createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
  return url.searchParams.get("sign") === expected ? { errcode: 0, errmsg: "ok" } : { errcode: 310000, errmsg: "sign not match" };
}

/** Feishu: body `timestamp` (s) and `sign` = base64(HMAC-SHA256(key = timestamp + "\n" + secret, "")). */
function feishuVerdict(body: Record<string, unknown>, secret: string): { code: number; msg: string } {
  const timestamp = typeof body.timestamp === "string" ? body.timestamp : "";
  const expected = createHmac("sha256", `${timestamp}\n${secret}`).update("").digest("base64");
  const isFresh = /^\d{10}$/.test(timestamp) && Math.abs(Date.now() / 1000 - Number(timestamp)) <= 3600;
  return isFresh && body.sign === expected
    ? { code: 0, msg: "success" }
    : { code: 19021, msg: "sign match fail or timestamp is not within one hour from current time" };
}

export async function startRobotReceivers(): Promise<RobotReceivers> {
  const received: ReceivedMessage[] = [];
  const secrets = {
    dingtalk: "SECdingtalk-test-secret-0123456789abcdef",
    feishu: "feishu-test-secret-0123456789",
    webhook: `whsec_${Buffer.alloc(32, 7).toString("base64")}`,
  };
  const dingtalkToken = "ding-access-token-0123456789";
  const wecomKey = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "http://receiver");
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        body = {};
      }
      let kind: RobotKind;
      let status = 200;
      let answer: Record<string, unknown>;
      if (url.pathname === "/robot/send") {
        kind = "dingtalk";
        answer = dingtalkVerdict(url, secrets.dingtalk, dingtalkToken);
      } else if (url.pathname.startsWith("/open-apis/bot/v2/hook/")) {
        kind = "feishu";
        answer = feishuVerdict(body, secrets.feishu);
      } else if (url.pathname === "/cgi-bin/webhook/send") {
        kind = "wecom";
        answer = url.searchParams.get("key") === wecomKey ? { errcode: 0, errmsg: "ok" } : { errcode: 93000, errmsg: "invalid webhook url" };
      } else {
        kind = "webhook";
        try {
          new Webhook(secrets.webhook).verify(raw, req.headers as Record<string, string>);
          answer = { ok: true };
        } catch {
          status = 401;
          answer = { error: "signature" };
        }
      }
      const isAccepted = status === 200 && (answer.errcode ?? answer.code ?? 0) === 0;
      received.push({ kind, url: req.url ?? "", headers: req.headers, body, isAccepted });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  return {
    baseUrl,
    urls: {
      dingtalk: `${baseUrl}/robot/send?access_token=${dingtalkToken}`,
      feishu: `${baseUrl}/open-apis/bot/v2/hook/feishu-hook-0123456789`,
      wecom: `${baseUrl}/cgi-bin/webhook/send?key=${wecomKey}`,
      webhook: `${baseUrl}/alerts`,
    },
    secrets,
    wecomKey,
    received,
    accepted: (kind) => received.filter((m) => m.kind === kind && m.isAccepted),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
