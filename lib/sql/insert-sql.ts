// The one way to write raw SQL (ADR 0009): `sql` tagged templates composed into
// statements, `insertSql`/`withSql` for parameterised INSERT … SELECT writes
// (several inserts in one statement on the hot path, ADR 0004), and `runSql` /
// `executeSql` to run them. Columns are our own literals, typed against the
// Prisma schema for inserts (lib/sql/insert-row.ts); values are always bound
// parameters.
//
// A small fragment type of our own rather than Prisma.sql: these statements are
// built on every callback, and Prisma's general-purpose Sql objects (one per
// value, flattened on each composition) cost more CPU than the rest of the
// statement's preparation. The texts only depend on the statement's shape, so
// they run as prepared statements (RawSql.queryPrepared).
import type { RawSql } from "@/lib/db";
import type { InsertRow, TableName } from "@/lib/sql/insert-row";

export type SqlValue = string | number | boolean | null | undefined | Date | { json: unknown } | { enumType: string; value: string | null };

/** Text pieces around bound values, as a tagged template has them: strings.length === values.length + 1. */
export class Sql {
  constructor(
    readonly strings: string[],
    readonly values: unknown[],
  ) {}

  /** The text with `$1…$n` placeholders. */
  get text(): string {
    let text = this.strings[0] ?? "";
    for (let i = 1; i < this.strings.length; i++) text += `$${i}${this.strings[i]}`;
    return text;
  }
}

/** Accumulates text and values; nested fragments are spliced in with their values. */
class SqlBuilder {
  private readonly strings: string[] = [""];
  private readonly values: unknown[] = [];

  text(s: string): this {
    this.strings[this.strings.length - 1] += s;
    return this;
  }

  value(v: unknown): this {
    this.values.push(v);
    this.strings.push("");
    return this;
  }

  append(part: Sql): this {
    this.text(part.strings[0] ?? "");
    for (let i = 0; i < part.values.length; i++) this.value(part.values[i]).text(part.strings[i + 1] ?? "");
    return this;
  }

  build(): Sql {
    return new Sql(this.strings, this.values);
  }
}

/**
 * Tagged template: interpolated `Sql` fragments are spliced in, anything else
 * is a bound value. A Date binds as UTC wall time cast to `timestamp(3)`, the
 * form of our DateTime columns (ADR 0002), on either driver.
 */
export function sql(strings: TemplateStringsArray, ...parts: unknown[]): Sql {
  const b = new SqlBuilder().text(strings[0] ?? "");
  parts.forEach((part, i) => {
    if (part instanceof Sql) b.append(part);
    else if (part instanceof Date) b.value(part.toISOString()).text("::timestamp(3)");
    else b.value(part);
    b.text(strings[i + 1] ?? "");
  });
  return b.build();
}

/** Literal SQL text (our own identifiers and keywords only, never input). */
export function rawSql(text: string): Sql {
  return new Sql([text], []);
}

function appendValue(b: SqlBuilder, v: SqlValue): void {
  if (v === undefined || v === null) b.text("NULL");
  // Prisma DateTime columns are timestamp(3) holding UTC wall time.
  else if (v instanceof Date) b.value(v.toISOString()).text("::timestamp(3)");
  else if (typeof v === "object" && "json" in v) {
    if (v.json === undefined || v.json === null) b.text("NULL");
    else b.value(JSON.stringify(v.json)).text("::jsonb");
  } else if (typeof v === "object" && "enumType" in v) {
    if (v.value === null) b.text("NULL");
    else b.value(v.value).text(`::"${v.enumType}"`);
  } else if (typeof v === "number") b.value(v).text(Number.isInteger(v) ? "::int" : "::float8");
  else if (typeof v === "boolean") b.value(v).text("::boolean");
  else b.value(v).text("::text");
}

export type InsertOptions = {
  /** A CTE name: the row is inserted once per row of it (zero rows ⇒ nothing inserted). */
  from?: string;
  onConflictDoNothing?: boolean;
  returning?: string;
};

/** `INSERT INTO "table" (…) SELECT …`: the row is typed from the Prisma model, so a wrong column or value type does not compile. */
export function insertSql<T extends TableName>(table: T, row: InsertRow<T>, opts: InsertOptions = {}): Sql {
  return insertUntypedSql(table, row as Record<string, SqlValue>, opts);
}

function insertUntypedSql(table: string, row: Record<string, SqlValue>, opts: InsertOptions): Sql {
  const cols = Object.keys(row);
  const b = new SqlBuilder().text(`INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) SELECT `);
  cols.forEach((c, i) => {
    if (i > 0) b.text(", ");
    appendValue(b, row[c]);
  });
  if (opts.from) b.text(` FROM ${opts.from}`);
  if (opts.onConflictDoNothing) b.text(" ON CONFLICT DO NOTHING");
  if (opts.returning) b.text(` RETURNING ${opts.returning}`);
  return b.build();
}

/** `WITH a AS (…), b AS (…) <final>` */
export function withSql(ctes: Array<[name: string, sql: Sql]>, final: Sql): Sql {
  // No CTEs: the statement is the final part alone (a bare "WITH" is not SQL).
  if (ctes.length === 0) return final;
  const b = new SqlBuilder().text("WITH ");
  ctes.forEach(([name, part], i) => {
    b.text(`${i > 0 ? ", " : ""}${name} AS (`)
      .append(part)
      .text(")");
  });
  return b.text(" ").append(final).build();
}

/** A Prisma client or transaction: where raw SQL runs outside the hot path. */
export type SqlClient = {
  $queryRawUnsafe<R>(query: string, ...values: unknown[]): Promise<R>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
};

/** The hot path's context (`SaasContext` and the like): the driver when outside a transaction, else the transaction. */
export type SqlVia = { raw?: RawSql; tx: { $queryRawUnsafe<R>(query: string, ...values: unknown[]): Promise<R> } };

function isSqlClient(via: SqlClient | SqlVia): via is SqlClient {
  return typeof (via as Partial<SqlClient>).$queryRawUnsafe === "function";
}

/**
 * Runs one statement and returns its rows. Given a context with a driver (a
 * hot path outside any transaction) it goes straight through it: no ORM work
 * per call, a named prepared statement per shape (ADR 0004). Otherwise through
 * Prisma on the given client or transaction (`runSql(db, sql\`…\`)`).
 */
export async function runSql<T>(via: SqlClient | SqlVia, statement: Sql): Promise<T[]> {
  if (isSqlClient(via)) return via.$queryRawUnsafe<T[]>(statement.text, ...statement.values);
  if (via.raw) return via.raw.queryPrepared<T>(statement.text, statement.values);
  return via.tx.$queryRawUnsafe<T[]>(statement.text, ...statement.values);
}

/** Runs one statement that returns no rows (UPDATE, DELETE without RETURNING) and returns how many rows it touched. */
export async function executeSql(db: SqlClient, statement: Sql): Promise<number> {
  return db.$executeRawUnsafe(statement.text, ...statement.values);
}

/** Fragments joined with a separator (`, `, ` AND `…); an empty list is empty text. */
export function joinSql(parts: readonly Sql[], separator: string): Sql {
  const b = new SqlBuilder();
  parts.forEach((part, i) => {
    if (i > 0) b.text(separator);
    b.append(part);
  });
  return b.build();
}
