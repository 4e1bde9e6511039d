// The validated environment. Read once, fail fast with a message that names
// the variable (never its value). In demo mode (PORTAL_DEMO=1) missing keys are
// generated once, stored under DATA_DIR and printed, so a newcomer can start
// the portal without configuring anything.
import { createPrivateKey, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { DEFAULT_LOCALE, isTimeZone, LOCALES, type Locale } from "@/lib/i18n/config";
import { generateWebhookSecret, isWebhookSecret } from "@/lib/webhooks/standard-webhooks";

const emptyAsUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const flag = z.preprocess(emptyAsUndefined, z.enum(["0", "1", "true", "false"]).optional()).transform((v) => v === "1" || v === "true");

const schema = z.object({
  KOOGALLERY_ACCESS_KEY: optionalString,
  KOOGALLERY_KIT_ACCESS_KEY: optionalString,
  KOOGALLERY_LICENSE_CODE_ACCESS_KEY: optionalString,
  KOOGALLERY_API_BASE_URL: z.preprocess(emptyAsUndefined, z.url().default("https://mkt.myhuaweicloud.com")),
  KOOGALLERY_AK: optionalString,
  KOOGALLERY_SK: optionalString,
  KOOGALLERY_RSA_PRIVATE_KEY_FILE: optionalString,
  KOOGALLERY_V1_MAX_SKEW_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(300)),
  KOOGALLERY_V1_KIT_TIME_ZONE: z.preprocess(emptyAsUndefined, z.enum(["UTC+8", "UTC"]).default("UTC+8")),
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.string().startsWith("postgres").optional()),
  DATABASE_POOL_SIZE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(200).default(20)),
  DATABASE_PREPARED_STATEMENTS: z.preprocess(emptyAsUndefined, z.enum(["0", "1", "true", "false"]).default("1")).transform((v) => v === "1" || v === "true"),
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  PORTAL_PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  PORTAL_TIME_ZONE: z.preprocess(emptyAsUndefined, z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Asia/Shanghai").default("Asia/Shanghai")),
  PORTAL_ENCRYPTION_KEY: optionalString,
  PORTAL_DEMO: flag,
  PROVISIONING_ADAPTER: z.preprocess(emptyAsUndefined, z.enum(["builtin", "http"]).default("builtin")),
  PROVISIONING_HTTP_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  PROVISIONING_HTTP_SECRET: optionalString,
  PROVISIONING_FRONTEND_URL: optionalString,
  PROVISIONING_ADMIN_URL: optionalString,
  PROVISIONING_SYNC_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(2500)),
  JOBS_DISABLED: flag,
  JOBS_POLL_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).default(1000)),
  JOBS_RETRY_BASE_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).default(10_000)),
  CALLBACK_LOG_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(180)),
  CALLBACK_LOG_REFUSED_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(14)),
  JOB_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(30)),
  AUDIT_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).optional()),
  /** The older name of AUDIT_RETENTION_DAYS (it covered sign-ins alone), still read when the new one is unset. */
  SIGN_IN_EVENT_RETENTION_DAYS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).default(365)),
  NEXTAUTH_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32, "must be at least 32 characters").optional()),
  PORTAL_OWNER_EMAIL: z.preprocess(emptyAsUndefined, z.email().optional()),
  PORTAL_OWNER_PASSWORD: z.preprocess(emptyAsUndefined, z.string().min(12, "must be at least 12 characters").optional()),
  KOOGALLERY_SSO_METHOD: z.preprocess(emptyAsUndefined, z.enum(["oauth", "cas"]).default("oauth")),
  KOOGALLERY_SSO_PKCE: z.preprocess(emptyAsUndefined, z.enum(["0", "1", "true", "false"]).default("1")).transform((v) => v === "1" || v === "true"),
  KOOGALLERY_SSO_SCOPE: z.preprocess(emptyAsUndefined, z.string().default("get_user_info")),
  SSO_HANDOFF_TTL_SECONDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(10).max(600).default(60)),
  PORTAL_MOCK_IDP: flag,
  CALLBACK_REFUSALS_LOGGED_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(10_000).default(20)),
  TRUSTED_PROXY_HOPS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10).default(0)),
  PORTAL_ALLOW_UNSAFE: flag,
  MERCHANT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  MERCHANT_WEBHOOK_SECRET: optionalString,
  MERCHANT_WEBHOOK_RETRY_SCHEDULE: optionalString,
  MERCHANT_WEBHOOK_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).max(60_000).default(10_000)),
  SMTP_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
      .optional(),
  ),
  ALERT_EMAIL_FROM: optionalString,
  ALERT_EMAIL_TO: optionalString,
  ALERT_DINGTALK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  ALERT_DINGTALK_SECRET: optionalString,
  ALERT_FEISHU_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  ALERT_FEISHU_SECRET: optionalString,
  ALERT_WECOM_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  ALERT_WEBHOOK_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  ALERT_WEBHOOK_SECRET: optionalString,
  ALERTS_EVERY_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(100).default(60_000)),
  ALERT_LANGUAGE: z.preprocess(emptyAsUndefined, z.enum(LOCALES).default(DEFAULT_LOCALE)),
  NODE_ENV: optionalString,
});

export type Env = {
  accessKey: string;
  kitAccessKey: string;
  licenseCodeAccessKey: string;
  apiBaseUrl: string;
  ak?: string;
  sk?: string;
  v1MaxSkewMs: number;
  /** How the V1 Kit's body `timeStamp` is read: UTC+8 as protocol:kit-interface.md documents (480), or UTC (0). One reading, never both (ADR 0007). */
  v1KitUtcOffsetMinutes: number;
  /** PEM (PKCS#8) of the RSA key whose public half is on the app credential: decrypts Kit clientSecret (protocol:encryption.md#rsa-clientsecret). */
  rsaPrivateKeyPem?: string;
  databaseUrl?: string;
  databasePoolSize: number;
  /** Hot-path statements as named prepared statements (off for poolers that cannot keep them, e.g. PgBouncer < 1.21 in transaction mode). */
  databasePreparedStatements: boolean;
  dataDir: string;
  port: number;
  publicUrl: string;
  /** PORTAL_TIME_ZONE: where the portal shows times (a user may choose another); storage and KooGallery stay in UTC/their formats. */
  timeZone: string;
  encryptionKey: Buffer;
  isDemo: boolean;
  provisioning: {
    adapter: "builtin" | "http";
    httpUrl?: string;
    httpSecret?: string;
    syncTimeoutMs: number;
    /** Built-in adapter URL templates; `{instanceId}` is replaced. */
    frontEndUrlTemplate: string;
    adminUrlTemplate: string;
  };
  jobs: { isDisabled: boolean; pollMs: number; retryBaseMs: number };
  /** Days rows are kept before housekeeping prunes them (lib/jobs/prune-old-rows.ts, ADR 0003). */
  retention: {
    callbackLogDays: number;
    /** Calls refused before they were let in (verification neither OK nor RETRY): anyone can send them. */
    refusedCallbackLogDays: number;
    /** DONE jobs; DEAD ones wait for a person and are kept callbackLogDays. */
    jobDays: number;
    /** The audit trail (sign-ins included). */
    auditDays: number;
  };
  auth: {
    /** Signs and encrypts next-auth's session cookie: NEXTAUTH_SECRET, or derived from PORTAL_ENCRYPTION_KEY. */
    secret: string;
    /** The first owner, created on start when no staff account exists. */
    owner?: { email: string; password: string };
    /** How the app credential signs buyers in (protocol:sso.md): OAuth 2.0 authorization code, or CAS 3.0. */
    ssoMethod: "oauth" | "cas";
    ssoPkce: boolean;
    ssoScope: string;
    handoffTtlSeconds: number;
    /** Serve the mock KooGallery identity provider at /mock-idp (demo and tests only). */
    isMockIdp: boolean;
  };
  /** Refused callbacks per client and minute that get a log row of their own; the rest are counted (lib/callbacks/refusal-budget.ts). */
  refusalsLoggedPerMinute: number;
  /** Reverse proxies in front of the portal whose X-Forwarded-For entry is believed (lib/http/client-address.ts). */
  trustedProxyHops: number;
  /** Events to the merchant's application (docs/merchant-webhooks.md; lib/events). */
  webhooks: {
    /** MERCHANT_WEBHOOK_URL: the endpoint kept as the "env" row; its secret is never stored. */
    url?: string;
    /** MERCHANT_WEBHOOK_SECRET (`whsec_…`), or in demo mode one generated under DATA_DIR. */
    secret?: string;
    /** Delays before attempts 2…n in ms (Standard Webhooks: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h); the first is immediate. */
    retryScheduleMs: number[];
    timeoutMs: number;
  };
  /** Staff alerts: the channels a fresh install gets from the environment (owners add more in the portal), and the rule period. */
  alerts: {
    email?: { smtpUrl: string; from: string; to: string[] };
    dingtalk?: { url: string; secret?: string };
    feishu?: { url: string; secret?: string };
    wecom?: { url: string };
    webhook?: { url: string; secret?: string };
    everyMs: number;
    /** ALERT_LANGUAGE: the language of messages to the channels (zh-CN unless set); their times are in PORTAL_TIME_ZONE. */
    locale: Locale;
  };
  /** Which keys came from the environment (the settings page shows this, never values). */
  configured: Record<"accessKey" | "kitAccessKey" | "licenseCodeAccessKey" | "aksk" | "encryptionKey" | "rsaPrivateKey", boolean>;
};

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses PORTAL_ENCRYPTION_KEY: 32 bytes as hex or base64; anything else is refused. */
export function parseEncryptionKey(value: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  const b = Buffer.from(value, "base64");
  if (b.length === 32 && /^[A-Za-z0-9+/_-]+=*$/.test(value)) return b;
  throw new EnvError("PORTAL_ENCRYPTION_KEY must be 32 bytes, written as 64 hex characters or base64 (openssl rand -base64 32)");
}

type DemoSecrets = { accessKey: string; kitAccessKey: string; licenseCodeAccessKey: string; encryptionKey: string };

/** Demo keys live in DATA_DIR so the portal, the seeder and the CLI agree across restarts. */
export function loadDemoSecrets(dataDir: string): DemoSecrets {
  const file = path.join(dataDir, "demo-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8")) as DemoSecrets;
  const secrets: DemoSecrets = {
    accessKey: `demo-${randomBytes(16).toString("hex")}`,
    kitAccessKey: `demo-kit-${randomBytes(16).toString("hex")}`,
    licenseCodeAccessKey: `demo-lic-${randomBytes(16).toString("hex")}`,
    encryptionKey: randomBytes(32).toString("base64"),
  };
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  console.log(`[demo] generated local KooGallery keys in ${file} (demo mode only; set KOOGALLERY_ACCESS_KEY etc. for real use)`);
  return secrets;
}

/** Standard Webhooks' retry schedule after the first (immediate) attempt: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const STANDARD_RETRY_SCHEDULE_MS = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000];

/** MERCHANT_WEBHOOK_RETRY_SCHEDULE: comma-separated delays in ms (tests shorten the real schedule). */
export function parseRetrySchedule(text: string): number[] {
  const delays = text.split(",").map((part) => Number(part.trim()));
  if (delays.length === 0 || delays.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new EnvError("MERCHANT_WEBHOOK_RETRY_SCHEDULE must be comma-separated non-negative integers (milliseconds)");
  }
  return delays;
}

function splitList(text: string): string[] {
  return text
    .split(/[,;\s]+/)
    .map((part) => part.trim())
    .filter(Boolean);
}

/** Demo mode with MERCHANT_WEBHOOK_URL and no secret: one generated under DATA_DIR and printed once, for the receiver. */
export function loadDemoWebhookSecret(dataDir: string): string {
  const file = path.join(dataDir, "demo-webhook-secret.txt");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  const secret = generateWebhookSecret();
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, secret, { mode: 0o600 });
  console.log(`[demo] generated MERCHANT_WEBHOOK_SECRET for your receiver (shown once, kept in ${file}): ${secret}`);
  return secret;
}

/** The app credential asks for an RSA key of at least 3072 bits (protocol:encryption.md#rsa-clientsecret). */
export const MIN_RSA_BITS = 3072;

/** Reads and checks the Kit RSA private key; the error names the variable, never the key. */
export function loadRsaPrivateKey(file: string, variable = "KOOGALLERY_RSA_PRIVATE_KEY_FILE"): string {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new EnvError(`${variable} must name a readable PEM file (could not read it)`);
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(text);
  } catch {
    throw new EnvError(`${variable} does not hold an unencrypted PEM private key`);
  }
  if (key.asymmetricKeyType !== "rsa") throw new EnvError(`${variable} must hold an RSA private key (got ${key.asymmetricKeyType ?? "another type"})`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new EnvError(`${variable} must hold an RSA key of at least ${MIN_RSA_BITS} bits (got ${bits})`);
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

/** Demo mode: one 3072-bit pair under DATA_DIR; the public half is what the seller center would get. */
export function loadDemoRsaKey(dataDir: string): string {
  const privateFile = path.join(dataDir, "demo-rsa-private.pem");
  if (!existsSync(privateFile)) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: MIN_RSA_BITS,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path.join(dataDir, "demo-rsa-public.pem"), publicKey);
    writeFileSync(privateFile, privateKey, { mode: 0o600 });
    console.log(`[demo] generated an RSA key pair for Kit clientSecret in ${dataDir} (demo-rsa-public.pem goes on the app credential)`);
  }
  return loadRsaPrivateKey(privateFile, "the demo RSA key");
}

/**
 * A production server with the mock identity provider (anyone signs in as
 * anyone), demo mode (generated keys and demo staff) or no public URL (origin
 * checks and cookies would assume http://localhost) is a misconfiguration, not
 * a choice: refused before anything is generated. The demo, the tests and the
 * bench run the production build on purpose and say so with PORTAL_ALLOW_UNSAFE=1.
 */
function refuseUnsafeProduction(e: z.infer<typeof schema>): void {
  if (e.NODE_ENV !== "production" || e.PORTAL_ALLOW_UNSAFE) return;
  const problems = [
    ...(e.PORTAL_MOCK_IDP ? ["PORTAL_MOCK_IDP is set"] : []),
    ...(e.PORTAL_DEMO ? ["PORTAL_DEMO is set"] : []),
    ...(e.PORTAL_PUBLIC_URL ? [] : ["PORTAL_PUBLIC_URL is missing"]),
  ];
  if (problems.length) {
    throw new EnvError(`Refusing to start with NODE_ENV=production: ${problems.join(", ")} (PORTAL_ALLOW_UNSAFE=1 allows it for demos and tests)`);
  }
}

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const names = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new EnvError(`Invalid environment: ${names}`);
  }
  const e = result.data;
  refuseUnsafeProduction(e);
  const dataDir = path.resolve(e.DATA_DIR);
  const demo = e.PORTAL_DEMO ? loadDemoSecrets(dataDir) : undefined;

  const accessKey = e.KOOGALLERY_ACCESS_KEY ?? demo?.accessKey;
  if (!accessKey) throw new EnvError("KOOGALLERY_ACCESS_KEY is required (or set PORTAL_DEMO=1 to generate local demo keys)");
  const encryptionKeyText = e.PORTAL_ENCRYPTION_KEY ?? demo?.encryptionKey;
  if (!encryptionKeyText) throw new EnvError("PORTAL_ENCRYPTION_KEY is required: 32 random bytes, e.g. `openssl rand -base64 32`");
  if (e.PROVISIONING_ADAPTER === "http" && !e.PROVISIONING_HTTP_URL) {
    throw new EnvError("PROVISIONING_HTTP_URL is required when PROVISIONING_ADAPTER=http");
  }
  if (e.PROVISIONING_ADAPTER === "http" && !e.PROVISIONING_HTTP_SECRET) {
    throw new EnvError("PROVISIONING_HTTP_SECRET is required when PROVISIONING_ADAPTER=http (it signs our calls to your backend)");
  }
  if (Boolean(e.PORTAL_OWNER_EMAIL) !== Boolean(e.PORTAL_OWNER_PASSWORD)) {
    throw new EnvError("PORTAL_OWNER_EMAIL and PORTAL_OWNER_PASSWORD must be set together");
  }
  if (Boolean(e.KOOGALLERY_AK) !== Boolean(e.KOOGALLERY_SK)) {
    throw new EnvError("KOOGALLERY_AK and KOOGALLERY_SK must be set together");
  }

  const rsaPrivateKeyPem = e.KOOGALLERY_RSA_PRIVATE_KEY_FILE
    ? loadRsaPrivateKey(path.resolve(e.KOOGALLERY_RSA_PRIVATE_KEY_FILE))
    : e.PORTAL_DEMO
      ? loadDemoRsaKey(dataDir)
      : undefined;

  if (e.MERCHANT_WEBHOOK_SECRET && !isWebhookSecret(e.MERCHANT_WEBHOOK_SECRET)) {
    throw new EnvError("MERCHANT_WEBHOOK_SECRET must be whsec_ followed by base64 of 24 to 64 random bytes");
  }
  if ((Boolean(e.SMTP_URL) || Boolean(e.ALERT_EMAIL_TO)) && !(e.SMTP_URL && e.ALERT_EMAIL_FROM && e.ALERT_EMAIL_TO)) {
    throw new EnvError("SMTP_URL, ALERT_EMAIL_FROM and ALERT_EMAIL_TO must be set together for e-mail alerts");
  }
  const webhookSecret = e.MERCHANT_WEBHOOK_SECRET ?? (e.PORTAL_DEMO && e.MERCHANT_WEBHOOK_URL ? loadDemoWebhookSecret(dataDir) : undefined);
  if (e.MERCHANT_WEBHOOK_URL && !webhookSecret) {
    throw new EnvError("MERCHANT_WEBHOOK_SECRET is required with MERCHANT_WEBHOOK_URL (whsec_ + base64 of 24-64 random bytes; it signs every event)");
  }

  const encryptionKey = parseEncryptionKey(encryptionKeyText);
  const publicUrl = (e.PORTAL_PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, "");
  return {
    accessKey,
    kitAccessKey: e.KOOGALLERY_KIT_ACCESS_KEY ?? (e.KOOGALLERY_ACCESS_KEY ? accessKey : (demo?.kitAccessKey ?? accessKey)),
    licenseCodeAccessKey: e.KOOGALLERY_LICENSE_CODE_ACCESS_KEY ?? (e.KOOGALLERY_ACCESS_KEY ? accessKey : (demo?.licenseCodeAccessKey ?? accessKey)),
    apiBaseUrl: e.KOOGALLERY_API_BASE_URL.replace(/\/+$/, ""),
    ak: e.KOOGALLERY_AK,
    sk: e.KOOGALLERY_SK,
    v1MaxSkewMs: e.KOOGALLERY_V1_MAX_SKEW_SECONDS * 1000,
    v1KitUtcOffsetMinutes: e.KOOGALLERY_V1_KIT_TIME_ZONE === "UTC" ? 0 : 480,
    rsaPrivateKeyPem,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    databasePreparedStatements: e.DATABASE_PREPARED_STATEMENTS,
    dataDir,
    port: e.PORT,
    publicUrl,
    timeZone: e.PORTAL_TIME_ZONE,
    encryptionKey,
    isDemo: e.PORTAL_DEMO,
    provisioning: {
      adapter: e.PROVISIONING_ADAPTER,
      httpUrl: e.PROVISIONING_HTTP_URL,
      httpSecret: e.PROVISIONING_HTTP_SECRET,
      syncTimeoutMs: e.PROVISIONING_SYNC_TIMEOUT_MS,
      frontEndUrlTemplate: e.PROVISIONING_FRONTEND_URL ?? `${publicUrl}/app/{instanceId}`,
      adminUrlTemplate: e.PROVISIONING_ADMIN_URL ?? `${publicUrl}/app/{instanceId}/admin`,
    },
    jobs: { isDisabled: e.JOBS_DISABLED, pollMs: e.JOBS_POLL_MS, retryBaseMs: e.JOBS_RETRY_BASE_MS },
    retention: {
      callbackLogDays: e.CALLBACK_LOG_RETENTION_DAYS,
      refusedCallbackLogDays: e.CALLBACK_LOG_REFUSED_RETENTION_DAYS,
      jobDays: e.JOB_RETENTION_DAYS,
      auditDays: e.AUDIT_RETENTION_DAYS ?? e.SIGN_IN_EVENT_RETENTION_DAYS,
    },
    auth: {
      secret: e.NEXTAUTH_SECRET ?? Buffer.from(hkdfSync("sha256", encryptionKey, "", "koogallery-portal nextauth secret", 32)).toString("base64url"),
      owner: e.PORTAL_OWNER_EMAIL && e.PORTAL_OWNER_PASSWORD ? { email: e.PORTAL_OWNER_EMAIL.toLowerCase(), password: e.PORTAL_OWNER_PASSWORD } : undefined,
      ssoMethod: e.KOOGALLERY_SSO_METHOD,
      ssoPkce: e.KOOGALLERY_SSO_PKCE,
      ssoScope: e.KOOGALLERY_SSO_SCOPE,
      handoffTtlSeconds: e.SSO_HANDOFF_TTL_SECONDS,
      isMockIdp: e.PORTAL_MOCK_IDP,
    },
    refusalsLoggedPerMinute: e.CALLBACK_REFUSALS_LOGGED_PER_MINUTE,
    trustedProxyHops: e.TRUSTED_PROXY_HOPS,
    webhooks: {
      url: e.MERCHANT_WEBHOOK_URL,
      secret: webhookSecret,
      retryScheduleMs: e.MERCHANT_WEBHOOK_RETRY_SCHEDULE ? parseRetrySchedule(e.MERCHANT_WEBHOOK_RETRY_SCHEDULE) : STANDARD_RETRY_SCHEDULE_MS,
      timeoutMs: e.MERCHANT_WEBHOOK_TIMEOUT_MS,
    },
    alerts: {
      email:
        e.SMTP_URL && e.ALERT_EMAIL_FROM && e.ALERT_EMAIL_TO ? { smtpUrl: e.SMTP_URL, from: e.ALERT_EMAIL_FROM, to: splitList(e.ALERT_EMAIL_TO) } : undefined,
      dingtalk: e.ALERT_DINGTALK_URL ? { url: e.ALERT_DINGTALK_URL, secret: e.ALERT_DINGTALK_SECRET } : undefined,
      feishu: e.ALERT_FEISHU_URL ? { url: e.ALERT_FEISHU_URL, secret: e.ALERT_FEISHU_SECRET } : undefined,
      wecom: e.ALERT_WECOM_URL ? { url: e.ALERT_WECOM_URL } : undefined,
      webhook: e.ALERT_WEBHOOK_URL ? { url: e.ALERT_WEBHOOK_URL, secret: e.ALERT_WEBHOOK_SECRET } : undefined,
      everyMs: e.ALERTS_EVERY_MS,
      locale: e.ALERT_LANGUAGE,
    },
    configured: {
      accessKey: Boolean(e.KOOGALLERY_ACCESS_KEY),
      kitAccessKey: Boolean(e.KOOGALLERY_KIT_ACCESS_KEY),
      licenseCodeAccessKey: Boolean(e.KOOGALLERY_LICENSE_CODE_ACCESS_KEY),
      aksk: Boolean(e.KOOGALLERY_AK && e.KOOGALLERY_SK),
      encryptionKey: Boolean(e.PORTAL_ENCRYPTION_KEY),
      rsaPrivateKey: Boolean(e.KOOGALLERY_RSA_PRIVATE_KEY_FILE),
    },
  };
}

let cached: Env | undefined;

/** The process environment, parsed once. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}
