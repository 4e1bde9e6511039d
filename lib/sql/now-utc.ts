// The database's clock in the form our timestamp columns hold. Prisma stores
// DateTime as UTC wall time in `timestamp(3)` (no zone), while `now()` is a
// `timestamptz`: compared with or written into such a column it is converted
// through the session's TimeZone, so a session in Asia/Shanghai would read a
// job due eight hours early. Every session is opened in UTC (lib/db.ts), and
// raw SQL says UTC explicitly as well, so a pooler that drops the startup
// option cannot bring the trap back (ADR 0002).

import { rawSql } from "@/lib/sql/insert-sql";

/** `now()` as UTC wall time: use it wherever raw SQL compares with or writes a `timestamp(3)` column. */
export const SQL_NOW_UTC = `(now() AT TIME ZONE 'UTC')`;

/** The same as a fragment for `sql\`…\`` templates (a plain string there would be a bound value). */
export const NOW_UTC = rawSql(SQL_NOW_UTC);
