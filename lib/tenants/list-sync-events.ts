// A tenant's Kit sync history for the portal, newest first, paged by keyset on
// (createdAt, id) (the index is tenantRowId, createdAt DESC).
import type { Db, Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { PortalError } from "@/lib/errors";
import { clampLimit, decodeCursor, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";

const eventSelect = {
  id: true,
  kind: true,
  flag: true,
  counts: true,
  diff: true,
  callbackLogId: true,
  isTest: true,
  createdAt: true,
} satisfies Prisma.SyncEventSelect;

export type SyncEventRow = Prisma.SyncEventGetPayload<{ select: typeof eventSelect }>;

export async function listSyncEvents(db: Db | Tx, tenantRowId: string, opts: { cursor?: string; limit: number }): Promise<KeysetPage<SyncEventRow>> {
  const limit = clampLimit(opts.limit);
  const where: Prisma.SyncEventWhereInput = { tenantRowId };
  if (opts.cursor) {
    const [at, id] = decodeCursor(opts.cursor, 2) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime())) throw new PortalError("bad_request", "invalid cursor");
    where.OR = [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }];
  }
  const rows = await db.syncEvent.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1, select: eventSelect });
  return toKeysetPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
}
