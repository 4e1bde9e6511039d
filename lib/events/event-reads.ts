// The events page's reads: events to the merchant's application, newest first,
// filtered and keyset-paged, each with one line per endpoint it went to; and
// one event with its data and every attempt (status, latency, response code,
// the first 1 KiB of the answer). Staff read every event; a tenant admin reads
// the events about their enterprise (its Kit syncs) and about the instances it
// is bound to (ADR 0008), without the merchant's answer texts (ADR 0006).
import type { PortalViewer } from "@/lib/auth/viewer";
import { listBoundInstanceIds } from "@/lib/access/tenant-binding";
import type { Db } from "@/lib/db";
import type { Env } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import type { DeliveryStatus, Prisma } from "@/lib/generated/prisma/client";
import { errorTextFor, secretValuesOf, toDisplayError } from "@/lib/portal/error-text";
import { clampLimit, decodeCursor, parseTimeParam, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";
import { isMerchantEventType } from "@/lib/events/event-types";
import { RESPONSE_HEAD_BYTES, type AttemptResult } from "@/lib/events/deliver-events";

export type EventScope = { where: Prisma.MerchantEventWhereInput; isStaff: boolean };

export async function eventViewerScope(db: Db, viewer: PortalViewer): Promise<EventScope> {
  if (viewer.kind === "staff") return { where: {}, isStaff: true };
  const instanceIds = await listBoundInstanceIds(db, viewer.tenantId);
  return { where: { OR: [{ tenantId: viewer.tenantId }, { subjectId: { in: instanceIds } }] }, isStaff: false };
}

export const DELIVERY_STATUSES = ["pending", "delivered", "failed"] as const;
export type DeliveryStatusFilter = (typeof DELIVERY_STATUSES)[number];

export type EventFilter = {
  type?: string;
  /** Events with a delivery in this state. */
  status?: DeliveryStatusFilter;
  endpointId?: string;
  /** The instance or tenant it is about. */
  subjectId?: string;
  from?: Date;
  to?: Date;
  /** Test-data calls' events are hidden unless asked for. */
  includeTest?: boolean;
};

export function eventFilterFromSearchParams(params: URLSearchParams): EventFilter {
  const type = params.get("type") || undefined;
  if (type && !isMerchantEventType(type)) throw new PortalError("bad_request", "type is not an event type");
  const status = params.get("status") || undefined;
  if (status && !(DELIVERY_STATUSES as readonly string[]).includes(status))
    throw new PortalError("bad_request", `status must be one of ${DELIVERY_STATUSES.join(", ")}`);
  const subjectId = params.get("subjectId")?.trim() || undefined;
  if (subjectId && subjectId.length > 200) throw new PortalError("bad_request", "subjectId is too long");
  return {
    type,
    status: status as DeliveryStatusFilter | undefined,
    endpointId: params.get("endpointId") || undefined,
    subjectId,
    from: parseTimeParam("from", params.get("from")),
    to: parseTimeParam("to", params.get("to")),
    includeTest: params.get("test") === "1",
  };
}

const STATUS_OF: Record<DeliveryStatusFilter, DeliveryStatus> = { pending: "PENDING", delivered: "DELIVERED", failed: "FAILED" };

function filterWhere(f: EventFilter): Prisma.MerchantEventWhereInput[] {
  const delivery: Prisma.WebhookDeliveryWhereInput = {
    ...(f.status ? { status: STATUS_OF[f.status] } : {}),
    ...(f.endpointId ? { endpointId: f.endpointId } : {}),
  };
  return [
    ...(f.type ? [{ type: f.type }] : []),
    ...(f.subjectId ? [{ OR: [{ subjectId: f.subjectId }, { tenantId: f.subjectId }] }] : []),
    ...(f.from ? [{ occurredAt: { gte: f.from } }] : []),
    ...(f.to ? [{ occurredAt: { lt: f.to } }] : []),
    ...(f.includeTest ? [] : [{ isTest: false }]),
    ...(Object.keys(delivery).length > 0 ? [{ deliveries: { some: delivery } }] : []),
  ];
}

export type EventDeliveryLine = {
  endpointId: string;
  endpointName: string;
  status: DeliveryStatus;
  attempts: number;
  lastStatus: number | null;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
};

export type EventSummary = {
  id: string;
  type: string;
  subjectId: string;
  tenantId: string | null;
  isTest: boolean;
  occurredAt: Date;
  deliveries: EventDeliveryLine[];
};

const deliveryLineSelect = {
  endpointId: true,
  status: true,
  attempts: true,
  lastStatus: true,
  nextAttemptAt: true,
  deliveredAt: true,
  endpoint: { select: { name: true } },
} satisfies Prisma.WebhookDeliverySelect;

type DeliveryLineRow = Prisma.WebhookDeliveryGetPayload<{ select: typeof deliveryLineSelect }>;

function lineOf(d: DeliveryLineRow): EventDeliveryLine {
  return {
    endpointId: d.endpointId,
    endpointName: d.endpoint.name,
    status: d.status,
    attempts: d.attempts,
    lastStatus: d.lastStatus,
    nextAttemptAt: d.status === "PENDING" ? d.nextAttemptAt : null,
    deliveredAt: d.deliveredAt,
  };
}

function afterCursor(cursor: string): Prisma.MerchantEventWhereInput[] {
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  const occurredAt = new Date(at);
  if (Number.isNaN(occurredAt.getTime())) throw new PortalError("bad_request", "invalid cursor");
  return [{ occurredAt: { lte: occurredAt } }, { OR: [{ occurredAt: { lt: occurredAt } }, { id: { lt: id } }] }];
}

export async function listEvents(db: Db, scope: EventScope, filter: EventFilter & { cursor?: string; limit?: number }): Promise<KeysetPage<EventSummary>> {
  const limit = clampLimit(filter.limit, 50, 200);
  const rows = await db.merchantEvent.findMany({
    where: { AND: [scope.where, ...filterWhere(filter), ...(filter.cursor ? afterCursor(filter.cursor) : [])] },
    orderBy: [{ occurredAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: {
      id: true,
      type: true,
      subjectId: true,
      tenantId: true,
      isTest: true,
      occurredAt: true,
      deliveries: { select: deliveryLineSelect, orderBy: { createdAt: "asc" } },
    },
  });
  const page = toKeysetPage(rows, limit, (r) => [r.occurredAt.toISOString(), r.id]);
  return { items: page.items.map((r) => ({ ...r, deliveries: r.deliveries.map(lineOf) })), nextCursor: page.nextCursor };
}

/** One attempt as deliver-events.ts recorded it; for a tenant admin `error` is a generic sentence and `responseHead` null (the merchant's systems). */
export type AttemptView = AttemptResult & { attempt: number };

export type EventDetail = Omit<EventSummary, "deliveries"> & {
  data: unknown;
  deliveries: Array<EventDeliveryLine & { id: string; lastError: string | null; attemptList: AttemptView[] }>;
  /** Whether this viewer may resend it (operators and owners). */
  canResend: boolean;
};

export async function getEvent(db: Db, env: Env, scope: EventScope, id: string, canResend: boolean): Promise<EventDetail> {
  const row = await db.merchantEvent.findFirst({
    where: { AND: [{ id }, scope.where] },
    include: {
      deliveries: {
        orderBy: { createdAt: "asc" },
        select: { ...deliveryLineSelect, id: true, lastError: true, tries: { orderBy: [{ attemptedAt: "asc" }, { attempt: "asc" }] } },
      },
    },
  });
  if (!row) throw new PortalError("not_found", "no such event");
  const reader = { isStaff: scope.isStaff, secrets: secretValuesOf(env) };
  return {
    id: row.id,
    type: row.type,
    subjectId: row.subjectId,
    tenantId: row.tenantId,
    isTest: row.isTest,
    occurredAt: row.occurredAt,
    data: row.data,
    canResend: canResend && scope.isStaff,
    deliveries: row.deliveries.map((d) => ({
      ...lineOf(d),
      id: d.id,
      lastError: errorTextFor(d.lastError, reader),
      attemptList: d.tries.map((t) => ({
        attempt: t.attempt,
        attemptedAt: t.attemptedAt,
        durationMs: t.durationMs,
        statusCode: t.statusCode,
        isSuccess: t.isSuccess,
        error: errorTextFor(t.error, reader),
        responseHead: scope.isStaff ? toDisplayError(t.responseHead, reader.secrets, RESPONSE_HEAD_BYTES) : null,
      })),
    })),
  };
}
