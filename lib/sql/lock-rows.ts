// Row locks for the rest of a transaction (ADR 0009): `SELECT … FOR UPDATE`
// and its weaker kinds, the one thing Prisma's API cannot ask for. Every lock
// taken in a transaction goes through here, so the statement, the order rows
// are locked in and the UTC rules are written once.
//
// Locks are taken in primary-key order: two transactions locking overlapping
// sets of rows then wait for each other instead of deadlocking.
import { joinSql, rawSql, runSql, sql, type Sql, type SqlClient } from "@/lib/sql/insert-sql";
import type { ColumnOf, TableName, TableRow } from "@/lib/sql/insert-row";

/**
 * `UPDATE` for rows about to change or be deleted; `NO KEY UPDATE` for rows
 * whose key stays: it leaves foreign-key checks (FOR KEY SHARE) of inserts
 * that point at the row unblocked.
 */
export type LockStrength = "UPDATE" | "NO KEY UPDATE";

/** Equality per column; null means `IS NULL`. Values are bound (enums compare as their labels). */
export type RowFilter<T extends TableName> = { [K in ColumnOf<T>]?: TableRow<T>[K] };

export type LockOptions<T extends TableName, C extends ColumnOf<T>> = {
  /** The columns to read back (default: the primary key `id`). */
  columns?: readonly C[];
  strength?: LockStrength;
  /** The primary key, the order rows are locked in (default `id`). */
  key?: ColumnOf<T>;
};

function whereSql(filter: Record<string, unknown>): Sql {
  const terms = Object.entries(filter)
    .filter(([, value]) => value !== undefined)
    .map(([column, value]) => (value === null ? rawSql(`"${column}" IS NULL`) : sql`${rawSql(`"${column}"`)} = ${value}`));
  return terms.length === 0 ? rawSql("true") : joinSql(terms, " AND ");
}

/**
 * Locks the rows of `table` matching `filter` until the transaction ends and
 * returns them (their `columns`, read after the lock: what other transactions
 * committed before it). Run inside a transaction: outside one the lock ends
 * with the statement.
 */
export async function lockRows<T extends TableName, C extends ColumnOf<T> = "id" & ColumnOf<T>>(
  tx: SqlClient,
  table: T,
  filter: RowFilter<T>,
  opts: LockOptions<T, C> = {},
): Promise<Array<Pick<TableRow<T>, C>>> {
  const key = opts.key ?? "id";
  const columns: readonly string[] = opts.columns && opts.columns.length > 0 ? opts.columns : [key];
  const select = rawSql(columns.map((c) => `"${c}"`).join(", "));
  return runSql(
    tx,
    sql`SELECT ${select} FROM ${rawSql(`"${table}"`)} WHERE ${whereSql(filter)} ORDER BY ${rawSql(`"${key}"`)} FOR ${rawSql(opts.strength ?? "UPDATE")}`,
  );
}

/** One row by its key (default `id`), locked until the transaction ends; null when there is none. */
export async function lockRow<T extends TableName, C extends ColumnOf<T> = "id" & ColumnOf<T>>(
  tx: SqlClient,
  table: T,
  id: string,
  opts: LockOptions<T, C> = {},
): Promise<Pick<TableRow<T>, C> | null> {
  const [row] = await lockRows(tx, table, { [opts.key ?? "id"]: id } as RowFilter<T>, opts);
  return row ?? null;
}
