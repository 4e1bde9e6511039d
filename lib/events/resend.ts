// Sending events again from the portal (operators and owners): one event, to
// every endpoint it went to or to one of them, whatever became of it; or every
// delivery that used all its attempts within a time range, after a dry run
// that says how many and to which endpoints. A resent delivery is the same row
// made PENDING again with a fresh retry schedule: the same webhook-id (the
// receiver's de-duplication sees the same message), in its place among the
// subject's events (its seq: it goes before any later event still waiting).
import { z } from "zod";
import type { Db } from "@/lib/db";
import { PortalError, formatZodIssues } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { kickDeliveries } from "@/lib/events/deliver-events";
import { isMerchantEventType } from "@/lib/events/event-types";
import type { EventScope } from "@/lib/events/event-reads";
import { recordAudit } from "@/lib/audit/record-audit";

/** A delivery made due now with its whole retry schedule ahead of it again. */
function requeued(now: Date): Prisma.WebhookDeliveryUpdateManyMutationInput {
  return { status: "PENDING", attempts: 0, nextAttemptAt: now, lockedBy: null, lockedUntil: null, deliveredAt: null };
}

export type ResendResult = {
  requeued: number;
  /** Endpoints that will not receive it until they are enabled again. */
  disabledEndpoints: string[];
  message: string;
};

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

async function disabledAmong(db: Db, endpointIds: string[]): Promise<string[]> {
  if (endpointIds.length === 0) return [];
  const rows = await db.webhookEndpoint.findMany({ where: { id: { in: endpointIds }, isEnabled: false }, select: { name: true }, orderBy: { name: "asc" } });
  return rows.map((r) => r.name);
}

function withDisabledNote(message: string, disabled: string[]): string {
  return disabled.length === 0 ? message : `${message} Not sent while disabled: ${disabled.join(", ")} (enable it on the Webhooks page).`;
}

/**
 * Resends one event, to every endpoint or to one. A delivery not yet finished
 * (retrying) is made due now and keeps its attempt count; one delivered or
 * failed starts over; one in flight (leased by a worker) is left to finish.
 * An enabled endpoint that takes the event's type but never had it (added
 * since, or enabled since) gets it now too.
 */
export async function resendEvent(db: Db, scope: EventScope, eventId: string, opts: { endpointId?: string; now?: Date } = {}): Promise<ResendResult> {
  const now = opts.now ?? new Date();
  const event = await db.merchantEvent.findFirst({
    where: { AND: [{ id: eventId }, scope.where] },
    select: { id: true, orderingKey: true, subjectId: true, tenantId: true },
  });
  if (!event) throw new PortalError("not_found", "no such event", { key: "eventNotFound" });
  const of: Prisma.WebhookDeliveryWhereInput = { eventId, ...(opts.endpointId ? { endpointId: opts.endpointId } : {}) };
  const count = await db.$transaction(async (tx) => {
    // The waiting ones first: the finished ones are PENDING once requeued.
    const waiting = await tx.webhookDelivery.updateMany({
      where: { ...of, status: "PENDING", OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
      data: { nextAttemptAt: now },
    });
    const finished = await tx.webhookDelivery.updateMany({ where: { ...of, status: { in: ["DELIVERED", "FAILED"] } }, data: requeued(now) });
    const added = await runSql<{ id: string }>(
      tx,
      sql`INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "orderingKey", seq, status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
          SELECT gen_random_uuid()::text, ev.id, ep.id, ev."orderingKey", ev.seq, 'PENDING', 0, ${now}, ${now}, ${now}
            FROM "MerchantEvent" ev JOIN "WebhookEndpoint" ep
              ON ep."isEnabled" AND (cardinality(ep."eventTypes") = 0 OR ev.type = ANY(ep."eventTypes"))
           WHERE ev.id = ${eventId} AND (${opts.endpointId ?? null}::text IS NULL OR ep.id = ${opts.endpointId ?? null}::text)
          ON CONFLICT ("eventId", "endpointId") DO NOTHING
          RETURNING id`,
    );
    const count = finished.count + waiting.count + added.length;
    await recordAudit(tx, {
      action: "event.resend",
      tenantId: event.tenantId,
      instanceId: event.orderingKey.startsWith("instance:") ? event.subjectId : null,
      subjectType: "event",
      subjectId: event.id,
      detail: { endpointId: opts.endpointId ?? null, requeued: count },
    });
    return count;
  });
  const targets = await db.webhookDelivery.findMany({ where: of, select: { endpointId: true } });
  if (targets.length === 0)
    throw opts.endpointId
      ? new PortalError("conflict", "that endpoint is disabled or does not take this event's type", { key: "endpointTakesNot" })
      : new PortalError("conflict", "no enabled endpoint takes this event's type", { key: "noEndpointTakes" });
  if (count > 0) kickDeliveries();
  const disabled = await disabledAmong(db, [...new Set(targets.map((t) => t.endpointId))]);
  const message = count === 0 ? "It is being sent right now." : `Queued ${plural(count, "delivery", "deliveries")} to be sent now.`;
  return { requeued: count, disabledEndpoints: disabled, message: withDisabledNote(message, disabled) };
}

/** At most this long a range per bulk resend: a wider one is a mistake more often than a plan. */
const MAX_RANGE_MS = 31 * 24 * 60 * 60 * 1000;

const isoTime = z.iso.datetime({ offset: true, error: "must be an ISO-8601 time with its zone" }).transform((s) => new Date(s));

const bulkResendSchema = z.strictObject({
  from: isoTime,
  to: isoTime,
  endpointId: z.string().min(1).max(100).optional(),
  type: z
    .string()
    .refine((t) => isMerchantEventType(t), "is not an event type")
    .optional(),
  dryRun: z.boolean({ error: "must be true or false" }),
});

export type BulkResendBody = z.infer<typeof bulkResendSchema>;

/** The bulk resend's JSON body, or a 400 naming the field. */
export function parseBulkResendBody(value: unknown): BulkResendBody {
  if (!value || typeof value !== "object" || Array.isArray(value))
    throw new PortalError("bad_request", "body must be a JSON object: {from, to, endpointId?, type?, dryRun}");
  const parsed = bulkResendSchema.safeParse(value);
  if (!parsed.success) throw new PortalError("bad_request", formatZodIssues(parsed.error));
  const body = parsed.data;
  if (body.to <= body.from) throw new PortalError("bad_request", "to must be after from");
  if (body.to.getTime() - body.from.getTime() > MAX_RANGE_MS) throw new PortalError("bad_request", "the range may be at most 31 days");
  return body;
}

export type BulkResendResult = {
  dryRun: boolean;
  /** Failed deliveries in the range (dry run), or made PENDING (run). */
  count: number;
  byEndpoint: Array<{ endpointId: string; name: string; isEnabled: boolean; count: number }>;
  message: string;
};

/** Failed deliveries of events that happened in [from, to), optionally to one endpoint or of one type. */
export async function resendFailedInRange(db: Db, body: BulkResendBody, now: Date = new Date()): Promise<BulkResendResult> {
  const where: Prisma.WebhookDeliveryWhereInput = {
    status: "FAILED",
    ...(body.endpointId ? { endpointId: body.endpointId } : {}),
    event: { occurredAt: { gte: body.from, lt: body.to }, ...(body.type ? { type: body.type } : {}) },
  };
  const run = async (tx: Prisma.TransactionClient | Db) => {
    const groups = await tx.webhookDelivery.groupBy({ by: ["endpointId"], where, _count: { _all: true } });
    const endpoints = await tx.webhookEndpoint.findMany({
      where: { id: { in: groups.map((g) => g.endpointId) } },
      select: { id: true, name: true, isEnabled: true },
    });
    const byId = new Map(endpoints.map((e) => [e.id, e]));
    const byEndpoint = groups
      .map((g) => ({
        endpointId: g.endpointId,
        name: byId.get(g.endpointId)?.name ?? g.endpointId,
        isEnabled: byId.get(g.endpointId)?.isEnabled ?? false,
        count: g._count._all,
      }))
      .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name));
    if (body.dryRun) return { count: byEndpoint.reduce((n, e) => n + e.count, 0), byEndpoint };
    const { count } = await tx.webhookDelivery.updateMany({ where, data: requeued(now) });
    await recordAudit(tx, {
      action: "event.bulk-resend",
      subjectType: "event",
      detail: { from: body.from.toISOString(), to: body.to.toISOString(), endpointId: body.endpointId ?? null, type: body.type ?? null, requeued: count },
    });
    return { count, byEndpoint };
  };
  const { count, byEndpoint } = body.dryRun ? await run(db) : await db.$transaction((tx) => run(tx));
  if (!body.dryRun && count > 0) kickDeliveries();
  const disabled = byEndpoint.filter((e) => !e.isEnabled).map((e) => e.name);
  const what = plural(count, "failed delivery", "failed deliveries");
  const message = body.dryRun
    ? count === 0
      ? "No failed deliveries in that range."
      : `${what} would be sent again: ${byEndpoint.map((e) => `${e.count} to ${e.name}`).join(", ")}.`
    : `Queued ${what} to be sent again.`;
  return { dryRun: body.dryRun, count, byEndpoint, message: withDisabledNote(message, disabled) };
}
