// Rows for raw SQL typed against the Prisma schema (ADR 0009): a table is a
// model name, a column one of the model's scalar fields, and each value the
// SqlValue form its column type takes. A renamed or misspelt column, a wrong
// enum type or a string for a Json column fails at compile time.
import type * as Enums from "@/lib/generated/prisma/enums";
import type { Prisma } from "@/lib/generated/prisma/client";

/** A table: one of the schema's models (the table name is the model name: no @@map in the schema). */
export type TableName = Prisma.ModelName;

type ModelOps<T extends TableName> = Prisma.TypeMap["model"][T]["operations"];

/** The model's scalar fields as Prisma reads them (`Instance`, `Job`, …). */
export type TableRow<T extends TableName> = Prisma.TypeMap["model"][T]["payload"]["scalars"];

export type ColumnOf<T extends TableName> = keyof TableRow<T> & string;

/** createMany's row: scalar fields only, optional where the schema has a default. */
type CreateRow<T extends TableName> = Exclude<ModelOps<T>["createMany"]["args"]["data"], readonly unknown[]>;

type EnumValues = { [N in keyof typeof Enums]: (typeof Enums)[N][keyof (typeof Enums)[N]] };

/** The enum's name in the schema (`"InstanceState"`) from its values' union. */
type EnumNameOf<V> = { [N in keyof EnumValues]: [EnumValues[N]] extends [V] ? ([V] extends [EnumValues[N]] ? N : never) : never }[keyof EnumValues];

/** Json columns: Prisma reads both `Json` and `Json?` as JsonValue (null included), so either takes `{ json }` or null. */
type JsonColumnValue = { json: unknown } | null | undefined;

/** A non-null column's value in the SqlValue form `insertSql` binds and casts (lib/sql/insert-sql.ts). */
type SqlValueOf<V> = [V] extends [Date]
  ? Date
  : [V] extends [boolean]
    ? boolean
    : [V] extends [number]
      ? number
      : [V] extends [Prisma.Decimal]
        ? number
        : [V] extends [string]
          ? string extends V
            ? string
            : { enumType: EnumNameOf<V>; value: V }
          : never;

/** Nullable columns also take null (NULL) and, for enums, `{ enumType, value: null }`. */
type ColumnValue<V> = [Prisma.JsonValue] extends [V]
  ? JsonColumnValue
  : null extends V
    ? SqlValueOf<Exclude<V, null>> extends infer S
      ? S extends { enumType: infer N; value: infer E }
        ? { enumType: N; value: E | null } | null | undefined
        : S | null | undefined
      : never
    : SqlValueOf<V>;

/**
 * Columns the database cannot fill in a raw insert although Prisma's input has
 * them optional: ids (`@default(uuid())` is Prisma's, not the database's),
 * `@updatedAt`, and every DateTime (a `DEFAULT CURRENT_TIMESTAMP` is taken
 * through the session's zone; ADR 0002: say the time).
 */
type FilledByPrisma<T extends TableName> = {
  [K in ColumnOf<T>]: K extends "id" ? K : [TableRow<T>[K]] extends [Date] ? K : never;
}[ColumnOf<T>];

/**
 * One row for `insertSql(table, row)`: every column the database needs a value
 * for is required, the others optional; each value typed from the model.
 */
export type InsertRow<T extends TableName> = {
  [K in keyof CreateRow<T> as K extends FilledByPrisma<T> ? never : K & ColumnOf<T>]: ColumnValue<TableRow<T>[K & ColumnOf<T>]>;
} & { [K in FilledByPrisma<T>]: ColumnValue<TableRow<T>[K]> };
