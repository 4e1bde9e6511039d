// The callback log for the portal, newest first, paged by keyset on
// (receivedAt DESC, id DESC) with no COUNT: each page is one index range read
// (see callback-log-filter.ts). Summary rows only: no request or response bodies,
// no verification details, never the sealed request.
import { endpointEntryNamed } from "@/lib/callbacks/endpoint-catalog";
import type { Db } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { callbackLogWhere, type CallbackLogFilter } from "@/lib/callbacks/callback-log-filter";
import type { CallbackLogScope } from "@/lib/callbacks/callback-log-scope";
import { clampLimit, decodeCursor, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";

export const callbackLogSummarySelect = {
  id: true,
  receivedAt: true,
  endpoint: true,
  generation: true,
  activity: true,
  method: true,
  verification: true,
  resultCode: true,
  resultMsg: true,
  latencyMs: true,
  instanceId: true,
  orderId: true,
  orderLineId: true,
  tenantId: true,
  isTest: true,
  retryOfId: true,
} satisfies Prisma.CallbackLogSelect;

type SummaryRow = Prisma.CallbackLogGetPayload<{ select: typeof callbackLogSummarySelect }>;

/** `canRetry`: the call passed verification, so it was sealed and can be re-run (the retry itself re-checks). */
export type CallbackLogSummary = SummaryRow & { canRetry: boolean };

/** Only verified calls are sealed (run-pipeline.ts): the outcome says so without reading the sealed column. */
export const SEALED_OUTCOMES = ["OK", "RETRY"] as const;

export function isRetryableEndpoint(endpoint: string): boolean {
  return endpointEntryNamed(endpoint) !== undefined;
}

export function toSummary(row: SummaryRow): CallbackLogSummary {
  return { ...row, canRetry: (SEALED_OUTCOMES as readonly string[]).includes(row.verification) && isRetryableEndpoint(row.endpoint) };
}

export type CallbackLogPage = KeysetPage<CallbackLogSummary>;

/** The keyset condition after (at, id): `receivedAt <= at` is the index range, the OR breaks ties on id. */
export function afterCursor(cursor: string): Prisma.CallbackLogWhereInput[] {
  const [at, id] = decodeCursor(cursor, 2) as [string, string];
  const receivedAt = new Date(at);
  if (Number.isNaN(receivedAt.getTime())) throw new PortalError("bad_request", "invalid cursor");
  return [{ receivedAt: { lte: receivedAt } }, { OR: [{ receivedAt: { lt: receivedAt } }, { id: { lt: id } }] }];
}

export async function listCallbackLogs(
  db: Db,
  scope: CallbackLogScope,
  filter: CallbackLogFilter & { cursor?: string; limit?: number },
): Promise<CallbackLogPage> {
  const limit = clampLimit(filter.limit, 50, 200);
  const and = [scope, ...callbackLogWhere(filter), ...(filter.cursor ? afterCursor(filter.cursor) : [])];
  const rows = await db.callbackLog.findMany({
    where: { AND: and },
    orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    select: callbackLogSummarySelect,
  });
  const page = toKeysetPage(rows, limit, (r) => [r.receivedAt.toISOString(), r.id]);
  return { items: page.items.map(toSummary), nextCursor: page.nextCursor };
}
