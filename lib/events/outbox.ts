// The outbox of events to the merchant's application. An event is written in
// the same statement or transaction as the change it reports, together with
// one delivery row per enabled endpoint whose filter takes its type: a crash
// never loses an event nor invents one, and the job worker delivers the rows
// (lib/events/deliver-events.ts).
import { randomBytes } from "node:crypto";
import type { Db, Tx } from "@/lib/db";
import { insertSql, rawSql, runSql, sql, withSql, type Sql } from "@/lib/sql/insert-sql";
import type { InsertRow } from "@/lib/sql/insert-row";
import { orderingKeyOf, type EventSubject, type MerchantEventType } from "@/lib/events/event-types";
import { noteWrittenEvents } from "@/lib/events/delivery-hints";
import { ATTEMPT_COLUMNS, preclaimTicket } from "@/lib/events/deliver-events";
import { NOW_UTC } from "@/lib/sql/now-utc";

export type MerchantEventInput = {
  type: MerchantEventType;
  subject: EventSubject;
  /** The KooGallery tenant it concerns, when known (tenant admins see their own events). */
  tenantId?: string | null;
  /** A test-data call's event: delivered with `"test": true`. */
  isTest: boolean;
  /** Ids and the new state: the receiver needs no second call. Never a secret. */
  data: Record<string, unknown>;
  occurredAt: Date;
};

/** A Standard Webhooks message id: `msg_` and 26 base32 characters (as Svix writes them), the `webhook-id` of every attempt. */
export function newEventId(): string {
  return `msg_${randomBytes(16).toString("base64url").replace(/[-_]/g, "x").slice(0, 22)}`;
}

/** The event as a row for `insertSql`. */
export function eventRow(event: MerchantEventInput, now: Date, id: string = newEventId()): InsertRow<"MerchantEvent"> {
  return {
    id,
    type: event.type,
    orderingKey: orderingKeyOf(event.subject),
    subjectId: event.subject.id,
    tenantId: event.tenantId ?? null,
    isTest: event.isTest,
    data: { json: event.data },
    occurredAt: event.occurredAt,
    createdAt: now,
  };
}

/**
 * The fan-out: one delivery per enabled endpoint that takes the event's type
 * (an empty filter takes every type), from the CTE that inserted the event.
 */
function deliveriesSql(eventCte: string, now: Date): Sql {
  return sql`INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "orderingKey", seq, status, attempts, "nextAttemptAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, ev.id, ep.id, ev."orderingKey", ev.seq, 'PENDING', 0, ${now}, ${now}, ${now}
      FROM ${rawSql(cteName(eventCte))} ev JOIN ${TAKING_ENDPOINTS}`;
}

/** The endpoints that take the event `ev`: enabled, and an empty filter or one that names its type. */
const TAKING_ENDPOINTS = rawSql(`"WebhookEndpoint" ep ON ep."isEnabled" AND (cardinality(ep."eventTypes") = 0 OR ev.type = ANY(ep."eventTypes"))`);

/**
 * The fan-out, claimed for this process's deliverer as it is written (the
 * claim's columns as claimDeliveries sets them), and the claimed deliveries as
 * the deliverer takes them (`<cte>_handover`, lib/events/deliver-events.ts
 * ClaimedDelivery).
 */
function claimedDeliveriesCtes(eventCte: string, now: Date, ticket: { workerId: string; leaseMs: number }): Array<[string, Sql]> {
  const ev = rawSql(cteName(eventCte));
  return [
    [
      `${eventCte}_d`,
      sql`INSERT INTO "WebhookDelivery" (id, "eventId", "endpointId", "orderingKey", seq, status, attempts, "nextAttemptAt",
                                         "lockedBy", "lockedUntil", "lastAttemptAt", "createdAt", "updatedAt")
          SELECT gen_random_uuid()::text, ev.id, ep.id, ev."orderingKey", ev.seq, 'PENDING', 1, ${now},
                 ${ticket.workerId}, ${NOW_UTC} + (${ticket.leaseMs}::int * interval '1 millisecond'), ${NOW_UTC}, ${now}, ${now}
            FROM ${ev} ev JOIN ${TAKING_ENDPOINTS}
          RETURNING id, "eventId", "endpointId"`,
    ],
    [
      `${eventCte}${HANDOVER_SUFFIX}`,
      sql`SELECT d.id, 1 AS attempt, d."endpointId", ${ATTEMPT_COLUMNS}
            FROM ${rawSql(`${cteName(eventCte)}_d`)} d JOIN ${ev} ev ON ev.id = d."eventId" JOIN "WebhookEndpoint" ep ON ep.id = d."endpointId"`,
    ],
  ];
}

/** The name ending of a CTE whose rows are deliveries claimed for this process, to hand over once committed. */
export const HANDOVER_SUFFIX = "_handover";

function cteName(name: string): string {
  if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new Error(`not a CTE name: ${name}`);
  return name;
}

/**
 * CTEs that write the events and their deliveries, for a verb's one statement
 * (`ctx.statement.run`). With `from`, each event is written once per row of
 * that CTE (zero rows: nothing), as the verb's other writes are.
 *
 * `handOver`, for one event whose subject the same statement creates, in a
 * statement that is its own transaction (OneStatement.commitsOnRun): the
 * deliveries are claimed for this process's deliverer as they are written and
 * come back in the `…_handover` CTE, which the statement hands over once it
 * returns (handOverDeliveries): no claim statement, no head-of-line check
 * (nothing can be ahead of a new subject's first event).
 */
export function eventCtes(events: MerchantEventInput[], now: Date, opts: { from?: string; prefix?: string; handOver?: boolean } = {}): Array<[string, Sql]> {
  const prefix = opts.prefix ?? "mev";
  const rows = events.map((event) => eventRow(event, now));
  // The first event of a subject the statement creates: nothing is ahead of it, so its deliveries need no head check.
  const ticket = opts.handOver && rows.length === 1 ? preclaimTicket() : undefined;
  if (ticket) {
    const name = `${prefix}0`;
    return [
      [name, insertSql("MerchantEvent", rows[0]!, { from: opts.from, returning: `id, type, seq, "orderingKey", data, "occurredAt", "isTest"` })],
      ...claimedDeliveriesCtes(name, now, ticket),
    ];
  }
  // This process's deliverer claims these events' deliveries by id once the statement has committed (kickDeliveries).
  noteWrittenEvents(rows.map((row) => row.id));
  // Each event after the first reads FROM the one before it: PostgreSQL runs a statement's data-modifying CTEs in no
  // set order, and the chain makes their seq follow the list (the order they are delivered in).
  return rows.flatMap((row, i): Array<[string, Sql]> => {
    const name = `${prefix}${i}`;
    const from = i === 0 ? opts.from : `${prefix}${i - 1}`;
    return [
      [name, insertSql("MerchantEvent", row, { from, returning: `id, type, seq, "orderingKey"` })],
      [`${name}_d`, deliveriesSql(name, now)],
    ];
  });
}

/** Writes events and their deliveries in one statement, inside the caller's transaction. */
export async function writeEvents(tx: Tx | Db, events: MerchantEventInput[], now: Date = new Date()): Promise<void> {
  if (events.length === 0) return;
  await runSql(tx, withSql(eventCtes(events, now), sql`SELECT 1 AS ok`));
}
