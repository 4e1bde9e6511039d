// Which instances a viewer may read: all of them for staff; for a buyer (a
// tenant admin in the portal, or a user being handed on to an instance) the
// instances their enterprise is bound to through its live Tenant rows
// (TenantInstance, ADR 0008). A deleted Tenant row no longer binds; test data
// is not special here (the lists hide it by their own filter).
import type { Viewer } from "@/lib/auth/viewer";
import { getDb, type Db, type Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { rawSql, sql, type Sql } from "@/lib/sql/insert-sql";
import { listBoundInstanceIds } from "@/lib/access/tenant-binding";

/** The instances a viewer may read, as a Prisma condition (one read of the binding for a buyer). */
export async function instanceScope(viewer: Viewer, db?: Db | Tx): Promise<Prisma.InstanceWhereInput> {
  if (viewer.kind === "staff") return {};
  return { id: { in: await listBoundInstanceIds(db ?? (await getDb()), viewer.tenantId) } };
}

/**
 * The same scope as an SQL condition on `column` (an instance id column of our
 * own, e.g. `i.id` or `l."instanceId"`), for statements that must stay raw
 * (aggregates): the binding is joined in the statement, no id list is bound.
 */
export function instanceScopeSql(viewer: Viewer, column: string): Sql {
  if (viewer.kind === "staff") return rawSql("TRUE");
  return sql`${rawSql(column)} IN (SELECT b."instanceId" FROM "TenantInstance" b JOIN "Tenant" t ON t.id = b."tenantRowId"
    WHERE t."tenantId" = ${viewer.tenantId} AND t."deletedAt" IS NULL)`;
}

/** The instances of a staff filter by KooGallery tenant id: those any of its Tenant rows, deleted ones included, was bound to. */
export async function instancesOfTenantFilter(db: Db | Tx, tenantId: string): Promise<Prisma.InstanceWhereInput | null> {
  const ids = await listBoundInstanceIds(db, tenantId, { includeDeletedTenants: true });
  return ids.length === 0 ? null : { id: { in: ids } };
}
