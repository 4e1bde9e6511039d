// The merchant's webhook endpoints as the portal manages them: owners add one
// (its secret generated, sealed under PORTAL_ENCRYPTION_KEY and shown once),
// change its address, event filter or state, rotate its secret (the old one
// keeps signing beside the new for 24 h, so the receiver can switch without a
// gap) and delete it. Every staff member reads them with their health: the
// last success, how long they have been failing, what is waiting, and the
// success rate and latency of the last day's attempts. The endpoint from
// MERCHANT_WEBHOOK_URL is listed too; its address and secret stay in the
// environment, so only its filter and state change here.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { sealSecret } from "@/lib/crypto/secret-box";
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import type { WebhookEndpoint } from "@/lib/generated/prisma/client";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { NOW_UTC } from "@/lib/sql/now-utc";
import { generateWebhookSecret } from "@/lib/webhooks/standard-webhooks";
import { MERCHANT_EVENT_TYPES, type MerchantEventType } from "@/lib/events/event-types";
import { recordAudit } from "@/lib/audit/record-audit";

/** How long a rotated-out secret keeps signing beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;
/** The window the health figures cover. */
const HEALTH_WINDOW_MS = 24 * 60 * 60 * 1000;

export type EndpointHealth = {
  /** Deliveries waiting (due now or retrying later). */
  pending: number;
  /** Deliveries that used every attempt. */
  failed: number;
  /** Attempts in the last 24 hours, how many succeeded, and their mean latency. */
  attempts24h: number;
  successes24h: number;
  meanLatencyMs24h: number | null;
};

export type EndpointView = {
  id: string;
  name: string;
  /** The address without its query values (a token there is not shown). */
  url: string;
  eventTypes: string[];
  isEnabled: boolean;
  isFromEnv: boolean;
  failingSince: Date | null;
  lastSuccessAt: Date | null;
  disabledAt: Date | null;
  disabledReason: string | null;
  /** Until when the rotated-out secret still signs, while it does. */
  previousSecretUntil: Date | null;
  createdBy: string | null;
  createdAt: Date;
  health: EndpointHealth;
};

/** An address as pages show it: scheme, host and path; query values hidden. */
export function displayUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
  } catch {
    return "(not a URL)";
  }
}

const NO_HEALTH: EndpointHealth = { pending: 0, failed: 0, attempts24h: 0, successes24h: 0, meanLatencyMs24h: null };

function viewOf(row: WebhookEndpoint, health: EndpointHealth = NO_HEALTH, now: Date = new Date()): EndpointView {
  return {
    id: row.id,
    name: row.name,
    url: displayUrl(row.url),
    eventTypes: row.eventTypes,
    isEnabled: row.isEnabled,
    isFromEnv: row.isFromEnv,
    failingSince: row.failingSince,
    lastSuccessAt: row.lastSuccessAt,
    disabledAt: row.disabledAt,
    disabledReason: row.disabledReason,
    previousSecretUntil: row.previousSecretEnc && row.previousSecretUntil && row.previousSecretUntil > now ? row.previousSecretUntil : null,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    health,
  };
}

/**
 * Each endpoint's figures in two grouped reads: the waiting and failed
 * deliveries (OR, not IN: each arm reads its partial index), and the last
 * day's attempts.
 */
async function healthOf(db: Db): Promise<Map<string, EndpointHealth>> {
  const [counts, attempts] = await Promise.all([
    runSql<{ endpointId: string; pending: number; failed: number }>(
      db,
      sql`SELECT "endpointId", count(*) FILTER (WHERE status = 'PENDING')::int AS pending, count(*) FILTER (WHERE status = 'FAILED')::int AS failed
            FROM "WebhookDelivery" WHERE status = 'PENDING' OR status = 'FAILED' GROUP BY "endpointId"`,
    ),
    runSql<{ endpointId: string; attempts: number; successes: number; meanMs: number | null }>(
      db,
      sql`SELECT d."endpointId", count(*)::int AS attempts, count(*) FILTER (WHERE a."isSuccess")::int AS successes,
                 round(avg(a."durationMs"))::int AS "meanMs"
            FROM "DeliveryAttempt" a JOIN "WebhookDelivery" d ON d.id = a."deliveryId"
           WHERE a."attemptedAt" > ${NOW_UTC} - (${HEALTH_WINDOW_MS}::bigint * interval '1 millisecond')
           GROUP BY d."endpointId"`,
    ),
  ]);
  const out = new Map<string, EndpointHealth>();
  const of = (id: string) => out.get(id) ?? out.set(id, { ...NO_HEALTH }).get(id)!;
  for (const c of counts) Object.assign(of(c.endpointId), { pending: c.pending, failed: c.failed });
  for (const a of attempts) Object.assign(of(a.endpointId), { attempts24h: a.attempts, successes24h: a.successes, meanLatencyMs24h: a.meanMs });
  return out;
}

export async function listWebhookEndpoints(db: Db): Promise<EndpointView[]> {
  const [rows, health] = await Promise.all([db.webhookEndpoint.findMany({ orderBy: [{ isFromEnv: "desc" }, { createdAt: "asc" }] }), healthOf(db)]);
  const now = new Date();
  return rows.map((row) => viewOf(row, health.get(row.id), now));
}

/** Names and states only, for the events page's filter and the delivery lines (no addresses). */
export async function listEndpointNames(db: Db): Promise<Array<{ id: string; name: string; isEnabled: boolean }>> {
  return db.webhookEndpoint.findMany({ orderBy: [{ isFromEnv: "desc" }, { createdAt: "asc" }], select: { id: true, name: true, isEnabled: true } });
}

const endpointUrl = z
  .url({ protocol: /^https?$/, error: "must be an http:// or https:// address" })
  .max(2000)
  .refine((u) => !new URL(u).username && !new URL(u).password, "must not carry a user name or password: the signature authenticates us");

const eventTypes = z
  .array(z.enum(MERCHANT_EVENT_TYPES as unknown as [MerchantEventType, ...MerchantEventType[]]))
  .max(MERCHANT_EVENT_TYPES.length)
  .transform((types) => [...new Set(types)].sort());

/** A new endpoint: an empty filter takes every event type. */
export const newEndpointSchema = z.object({
  name: z.string().trim().min(1).max(100),
  url: endpointUrl,
  eventTypes: eventTypes.default([]),
  isEnabled: z.boolean().default(true),
});

export const endpointChangeSchema = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    url: endpointUrl.optional(),
    eventTypes: eventTypes.optional(),
    isEnabled: z.boolean().optional(),
  })
  .strict();

/** What the audit trail keeps of an endpoint change: its id, name and address as the page shows it (never its secret). */
function endpointAudit(row: Pick<WebhookEndpoint, "id" | "name" | "url">, extra: Record<string, string[]> = {}) {
  return { subjectType: "webhook-endpoint" as const, subjectId: row.id, detail: { name: row.name, url: displayUrl(row.url), ...extra } };
}

export type CreatedEndpoint = { endpoint: EndpointView; shownOnce: { secret: string } };

export async function createWebhookEndpoint(db: Db, env: Env, input: z.infer<typeof newEndpointSchema>, createdBy: string): Promise<CreatedEndpoint> {
  const secret = generateWebhookSecret();
  const row = await db.$transaction(async (tx) => {
    const created = await tx.webhookEndpoint.create({
      data: {
        id: randomUUID(),
        name: input.name,
        url: input.url,
        eventTypes: input.eventTypes,
        isEnabled: input.isEnabled,
        secretEnc: sealSecret(secret, env.encryptionKey),
        createdBy,
      },
    });
    await recordAudit(tx, { action: "webhook.create", ...endpointAudit(created) });
    return created;
  });
  return { endpoint: viewOf(row), shownOnce: { secret } };
}

async function endpointOrNotFound(db: Db, id: string): Promise<WebhookEndpoint> {
  const row = await db.webhookEndpoint.findUnique({ where: { id } });
  if (!row) throw new PortalError("not_found", "no such webhook endpoint", { key: "endpointNotFound" });
  return row;
}

/**
 * Renames, re-addresses, re-filters, enables or disables. Enabling (again)
 * starts its health afresh: the failures that disabled it are history, and
 * its waiting deliveries go out at once. A filter applies to events written
 * from now on.
 */
export async function updateWebhookEndpoint(db: Db, id: string, change: z.infer<typeof endpointChangeSchema>): Promise<EndpointView> {
  const row = await endpointOrNotFound(db, id);
  if (row.isFromEnv && (change.url !== undefined || change.name !== undefined)) {
    throw new PortalError("conflict", "this endpoint comes from MERCHANT_WEBHOOK_URL: change the variable and restart, or filter or disable it here", {
      key: "endpointFromEnv",
    });
  }
  const enabling = change.isEnabled === true && !row.isEnabled;
  const updated = await db.$transaction(async (tx) => {
    const next = await tx.webhookEndpoint.update({
      where: { id },
      data: {
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.url !== undefined ? { url: change.url } : {}),
        ...(change.eventTypes !== undefined ? { eventTypes: change.eventTypes } : {}),
        ...(change.isEnabled !== undefined ? { isEnabled: change.isEnabled } : {}),
        ...(enabling ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
      },
    });
    // Deliveries that waited out the disabled time (their retries are long past due) go now, not at their old schedule.
    if (enabling) await tx.webhookDelivery.updateMany({ where: { endpointId: id, status: "PENDING" }, data: { nextAttemptAt: new Date() } });
    await recordAudit(tx, { action: "webhook.update", ...endpointAudit(next, { changed: Object.keys(change).sort() }) });
    return next;
  });
  return viewOf(updated);
}

/** A new secret, shown once; the old one signs beside it for 24 h (each attempt carries both signatures). */
export async function rotateWebhookSecret(db: Db, env: Env, id: string, now: Date = new Date()): Promise<CreatedEndpoint> {
  const row = await endpointOrNotFound(db, id);
  if (row.isFromEnv)
    throw new PortalError("conflict", "this endpoint's secret is MERCHANT_WEBHOOK_SECRET: change the variable and restart", { key: "endpointSecretFromEnv" });
  const secret = generateWebhookSecret();
  const updated = await db.$transaction(async (tx) => {
    const next = await tx.webhookEndpoint.update({
      where: { id },
      data: {
        secretEnc: sealSecret(secret, env.encryptionKey),
        previousSecretEnc: row.secretEnc,
        previousSecretUntil: new Date(now.getTime() + ROTATION_OVERLAP_MS),
      },
    });
    await recordAudit(tx, { action: "webhook.rotate-secret", ...endpointAudit(next) });
    return next;
  });
  return { endpoint: viewOf(updated, NO_HEALTH, now), shownOnce: { secret } };
}

/** Deleting an endpoint deletes its deliveries and their attempts; the events stay (for the other endpoints and the log). */
export async function deleteWebhookEndpoint(db: Db, id: string): Promise<{ deleted: true }> {
  const row = await endpointOrNotFound(db, id);
  if (row.isFromEnv)
    throw new PortalError("conflict", "this endpoint comes from MERCHANT_WEBHOOK_URL: unset the variable, or disable it here", {
      key: "endpointFromEnvDelete",
    });
  await db.$transaction(async (tx) => {
    await tx.webhookEndpoint.delete({ where: { id } });
    await recordAudit(tx, { action: "webhook.delete", ...endpointAudit(row) });
  });
  return { deleted: true };
}
