// A grant keeps its orgCode when the department goes away; `isOrphaned` says
// the department no longer exists, and is cleared when it comes back. A user
// without an orgCode never had a department and is never orphaned.
import type { Tx } from "@/lib/db";
import { rawSql, runSql, sql } from "@/lib/sql/insert-sql";
import { SQL_NOW_UTC } from "@/lib/sql/now-utc";

export type OrphanChange = { orphaned: number; restored: number };

/** Recomputes the flag for the tenant's users (all of them, or those in orgCodes); counts what changed. */
export async function refreshOrphanedUsers(tx: Tx, tenantRowId: string, orgCodes?: readonly string[]): Promise<OrphanChange> {
  const onlyCodes = orgCodes === undefined ? rawSql("") : sql`AND u."orgCode" = ANY(${[...orgCodes]}::text[])`;
  const rows = await runSql<{ orphaned: number; restored: number }>(
    { tx },
    sql`WITH target AS (
       SELECT u.id,
              u."orgCode" <> '' AND NOT EXISTS (
                SELECT 1 FROM "Department" d WHERE d."tenantRowId" = u."tenantRowId" AND d."orgCode" = u."orgCode"
              ) AS "isOrphaned"
         FROM "TenantUser" u
        WHERE u."tenantRowId" = ${tenantRowId} ${onlyCodes}
     ), changed AS (
       UPDATE "TenantUser" u SET "isOrphaned" = t."isOrphaned", "updatedAt" = ${rawSql(SQL_NOW_UTC)}
         FROM target t
        WHERE u.id = t.id AND u."isOrphaned" <> t."isOrphaned"
        RETURNING u."isOrphaned"
     )
     SELECT (count(*) FILTER (WHERE "isOrphaned"))::int AS orphaned,
            (count(*) FILTER (WHERE NOT "isOrphaned"))::int AS restored
       FROM changed`,
  );
  return { orphaned: rows[0]?.orphaned ?? 0, restored: rows[0]?.restored ?? 0 };
}
