// A tenant's departments, for the full-sync diff and the tree reads. The rows
// come back as one JSON value: the driver adapters turn each row into an
// object field by field, which for 20,000 rows costs several times more than
// the query itself; one JSON.parse does not (both engines measured).
import type { Tx } from "@/lib/db";
import type { OrgEntry } from "@/lib/org/diff-org-tree";
import { runSql, sql } from "@/lib/sql/insert-sql";

/** What a read needs; a transaction client and the Prisma client both fit. */
export type OrgReader = Pick<Tx, "$queryRawUnsafe">;

/** [orgCode, orgName, parentCode] per department, in no particular order. */
export type DepartmentTuple = [orgCode: string, orgName: string, parentCode: string];

export async function loadDepartmentTuples(db: OrgReader, tenantRowId: string): Promise<DepartmentTuple[]> {
  const rows = await runSql<{ list: string }>(
    { tx: db },
    sql`SELECT coalesce(json_agg(json_build_array("orgCode", "orgName", "parentCode")), '[]')::text AS list
       FROM "Department" WHERE "tenantRowId" = ${tenantRowId}`,
  );
  return JSON.parse(rows[0]?.list ?? "[]") as DepartmentTuple[];
}

export async function loadDepartments(db: OrgReader, tenantRowId: string): Promise<OrgEntry[]> {
  return (await loadDepartmentTuples(db, tenantRowId)).map(([orgCode, orgName, parentCode]) => ({ orgCode, orgName, parentCode }));
}
