// What the settings page shows staff: the addresses to paste into the seller
// center (protocol:saas-interface.md#production-address-and-debugging), which keys are configured (never their values or
// lengths), and how the background jobs are doing. Job reads go through
// Job(status, runAt): PENDING, RUNNING and DEAD are few; DONE is counted for
// the last 24 hours only.
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import type { JobStatus } from "@/lib/generated/prisma/client";
import { ENDPOINT_CATALOG, SAAS_PATH } from "@/lib/callbacks/endpoint-catalog";
import { secretValuesOf, toDisplayError } from "@/lib/portal/error-text";

const DAY_MS = 24 * 60 * 60 * 1000;
const RECENT_DEAD_LIMIT = 10;

export type SettingsUrl = { id: string; label: string; url: string; hint: string };

export type ConfiguredKey = { id: keyof Env["configured"]; label: string; variables: string[]; isConfigured: boolean; whenMissing: string };

export type JobHealth = {
  worker: { isRunning: boolean; isDisabled: boolean; lastPollAt: string | null; lastError: string | null };
  /** status → kind → count; DONE covers the last 24 hours (by run time). */
  counts: { status: JobStatus; kind: string; count: number }[];
  oldestPending: { id: string; kind: string; createdAt: string; runAt: string; ageMs: number; attempts: number } | null;
  recentDead: { id: string; kind: string; attempts: number; failedAt: string; error: string | null }[];
};

export type Settings = {
  publicUrl: string;
  warnings: string[];
  urls: SettingsUrl[];
  kitSubPaths: { v2: string[]; v1: string[] };
  ssoMethod: "oauth" | "cas";
  keys: ConfiguredKey[];
  jobs: JobHealth;
};

export type WorkerStatus = { isRunning: boolean; lastPollAt?: Date; lastError?: string };

/** The addresses KooGallery and the merchant's application need, for the configured public URL and SSO method. */
export function settingsUrls(env: Pick<Env, "publicUrl"> & { auth: Pick<Env["auth"], "ssoMethod"> }): Pick<Settings, "urls" | "kitSubPaths" | "warnings"> {
  const base = env.publicUrl;
  const saas = `${base}${SAAS_PATH}`;
  const origin = new URL(base).origin;
  const login =
    env.auth.ssoMethod === "cas"
      ? { url: `${base}/api/sso/cas`, hint: "Kit app credential, CAS method: the app login address (protocol:sso.md)" }
      : {
          url: `${base}/api/auth/callback/koogallery`,
          hint: "Kit app credential, OAuth method: the app login address, also our redirect_uri (protocol:sso.md)",
        };
  const warnings: string[] = [];
  const host = new URL(base).hostname;
  if (host === "localhost" || host === "127.0.0.1" || host === "::1" || host === "[::1]")
    warnings.push("PORTAL_PUBLIC_URL is not set to a public address: KooGallery cannot reach these URLs.");
  else if (!base.startsWith("https://")) warnings.push("The public URL is not HTTPS; the seller center expects an HTTPS production address.");
  return {
    warnings,
    urls: [
      {
        id: "production-domain",
        label: "Production address (domain)",
        url: origin,
        hint: "Seller center > 应用接入 > 生产地址管理: the domain only, no path (protocol:saas-interface.md#production-address-and-debugging)",
      },
      {
        id: "production",
        label: "Production interface",
        url: saas,
        hint: "SaaS production interface, V2 (POST) and V1 (GET): address + path for debugging and the product (protocol:saas-interface.md)",
      },
      {
        id: "kit-base",
        label: "Kit base address",
        url: saas,
        hint: "Joint-operation Kit interfaces: KooGallery appends the sub-paths below (protocol:kit-interface.md)",
      },
      { id: "login", label: `App login address (${env.auth.ssoMethod === "cas" ? "CAS" : "OAuth 2.0"})`, ...login },
      {
        id: "jwks",
        label: "JWKS for the hand-off token",
        url: `${base}/.well-known/jwks.json`,
        hint: "For the merchant's application: verifies the token the portal hands over after SSO (docs/handoff-token.md)",
      },
    ],
    kitSubPaths: { v2: kitSubPaths("V2"), v1: kitSubPaths("V1") },
  };
}

/** The Kit's paths below the production address, which KooGallery appends to the Kit base address. */
function kitSubPaths(generation: "V1" | "V2"): string[] {
  return ENDPOINT_CATALOG.filter((e) => e.protocol === "kit").flatMap((e) =>
    e.routes.filter((r) => r.generation === generation).map((r) => r.path.slice(SAAS_PATH.length)),
  );
}

export function configuredKeys(configured: Env["configured"]): ConfiguredKey[] {
  const rows: Omit<ConfiguredKey, "isConfigured">[] = [
    { id: "accessKey", label: "Basic interface key", variables: ["KOOGALLERY_ACCESS_KEY"], whenMissing: "demo key generated locally (demo mode only)" },
    { id: "kitAccessKey", label: "Kit interface key", variables: ["KOOGALLERY_KIT_ACCESS_KEY"], whenMissing: "the basic key is used" },
    {
      id: "licenseCodeAccessKey",
      label: "License-code interface key",
      variables: ["KOOGALLERY_LICENSE_CODE_ACCESS_KEY"],
      whenMissing: "the basic key is used",
    },
    {
      id: "aksk",
      label: "Open API AK/SK (order query)",
      variables: ["KOOGALLERY_AK", "KOOGALLERY_SK"],
      whenMissing: "order details are not fetched (NOT_CONFIGURED)",
    },
    {
      id: "encryptionKey",
      label: "Encryption key (data at rest)",
      variables: ["PORTAL_ENCRYPTION_KEY"],
      whenMissing: "demo key generated locally (demo mode only)",
    },
    {
      id: "rsaPrivateKey",
      label: "RSA private key (Kit clientSecret)",
      variables: ["KOOGALLERY_RSA_PRIVATE_KEY_FILE"],
      whenMissing: "applicationSync client secrets are refused (000101), or a demo key in demo mode",
    },
  ];
  return rows.map((r) => ({ ...r, isConfigured: configured[r.id] }));
}

export async function readJobHealth(db: Db, env: Env, worker: WorkerStatus, now = new Date()): Promise<JobHealth> {
  const secrets = secretValuesOf(env);
  const [open, done, oldest, dead] = await Promise.all([
    db.job.groupBy({ by: ["status", "kind"], where: { status: { in: ["PENDING", "RUNNING", "DEAD"] } }, _count: { _all: true } }),
    db.job.groupBy({ by: ["status", "kind"], where: { status: "DONE", runAt: { gte: new Date(now.getTime() - DAY_MS) } }, _count: { _all: true } }),
    db.job.findFirst({
      where: { status: "PENDING" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, kind: true, createdAt: true, runAt: true, attempts: true },
    }),
    db.job.findMany({
      where: { status: "DEAD" },
      orderBy: [{ runAt: "desc" }, { id: "asc" }],
      take: RECENT_DEAD_LIMIT,
      select: { id: true, kind: true, attempts: true, lastError: true, finishedAt: true, updatedAt: true },
    }),
  ]);
  const order: JobStatus[] = ["PENDING", "RUNNING", "DEAD", "DONE"];
  return {
    worker: {
      isRunning: worker.isRunning,
      isDisabled: env.jobs.isDisabled,
      lastPollAt: worker.lastPollAt?.toISOString() ?? null,
      lastError: toDisplayError(worker.lastError, secrets),
    },
    counts: [...open, ...done]
      .map((r) => ({ status: r.status, kind: r.kind, count: r._count._all }))
      .sort((a, b) => order.indexOf(a.status) - order.indexOf(b.status) || a.kind.localeCompare(b.kind)),
    oldestPending: oldest
      ? {
          id: oldest.id,
          kind: oldest.kind,
          createdAt: oldest.createdAt.toISOString(),
          runAt: oldest.runAt.toISOString(),
          ageMs: Math.max(0, now.getTime() - oldest.createdAt.getTime()),
          attempts: oldest.attempts,
        }
      : null,
    // lastError is describeError()'s text, stored cut to 1,000 characters by failJob; cut again and redacted here.
    recentDead: dead.map((j) => ({
      id: j.id,
      kind: j.kind,
      attempts: j.attempts,
      failedAt: (j.finishedAt ?? j.updatedAt).toISOString(),
      error: toDisplayError(j.lastError, secrets),
    })),
  };
}

export async function getSettings(db: Db, env: Env, worker: WorkerStatus, now = new Date()): Promise<Settings> {
  return {
    publicUrl: env.publicUrl,
    ...settingsUrls(env),
    ssoMethod: env.auth.ssoMethod,
    keys: configuredKeys(env.configured),
    jobs: await readJobHealth(db, env, worker, now),
  };
}
