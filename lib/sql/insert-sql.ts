// Builds parameterised INSERT … SELECT statements for the few hot paths that
// put several inserts into one statement (one round trip to the database
// instead of one per row; see docs/adr/0004-hot-path-statements.md).
// Columns are our own literals; values are always bound parameters.
import type { RawSql } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

export type SqlValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | Date
  | { json: unknown }
  | { enumType: string; value: string | null };

function valueSql(v: SqlValue): Prisma.Sql {
  if (v === undefined || v === null) return Prisma.sql`NULL`;
  // Prisma DateTime columns are timestamp(3) holding UTC wall time.
  if (v instanceof Date) return Prisma.sql`${v.toISOString()}::timestamp(3)`;
  if (typeof v === "object" && "json" in v) return v.json === undefined || v.json === null ? Prisma.sql`NULL` : Prisma.sql`${JSON.stringify(v.json)}::jsonb`;
  if (typeof v === "object" && "enumType" in v) return v.value === null ? Prisma.sql`NULL` : Prisma.sql`${v.value}::${Prisma.raw(`"${v.enumType}"`)}`;
  if (typeof v === "number") return Number.isInteger(v) ? Prisma.sql`${v}::int` : Prisma.sql`${v}::float8`;
  if (typeof v === "boolean") return Prisma.sql`${v}::boolean`;
  return Prisma.sql`${v}::text`;
}

export type InsertOptions = {
  /** A CTE name: the row is inserted once per row of it (zero rows ⇒ nothing inserted). */
  from?: string;
  onConflictDoNothing?: boolean;
  returning?: string;
};

export function insertSql(table: string, row: Record<string, SqlValue>, opts: InsertOptions = {}): Prisma.Sql {
  const cols = Object.keys(row);
  const columnList = Prisma.raw(cols.map((c) => `"${c}"`).join(", "));
  const values = Prisma.join(cols.map((c) => valueSql(row[c])), ", ");
  return Prisma.sql`INSERT INTO ${Prisma.raw(`"${table}"`)} (${columnList}) SELECT ${values}${opts.from ? Prisma.raw(` FROM ${opts.from}`) : Prisma.empty}${
    opts.onConflictDoNothing ? Prisma.raw(" ON CONFLICT DO NOTHING") : Prisma.empty
  }${opts.returning ? Prisma.raw(` RETURNING ${opts.returning}`) : Prisma.empty}`;
}

/** `WITH a AS (…), b AS (…) <final>` */
export function withSql(ctes: Array<[name: string, sql: Prisma.Sql]>, final: Prisma.Sql): Prisma.Sql {
  const parts = ctes.map(([name, sql]) => Prisma.sql`${Prisma.raw(name)} AS (${sql})`);
  return Prisma.sql`WITH ${Prisma.join(parts, ", ")} ${final}`;
}

/**
 * Runs one statement: straight through the driver when given one (a hot path
 * outside any transaction: no ORM work per call), otherwise through Prisma on
 * the given client or transaction.
 */
export async function runSql<T>(via: { raw?: RawSql; tx: { $queryRaw<R>(sql: Prisma.Sql): Promise<R> } }, sql: Prisma.Sql): Promise<T[]> {
  if (via.raw) return via.raw.query<T>(sql.text, sql.values);
  return via.tx.$queryRaw<T[]>(sql);
}
