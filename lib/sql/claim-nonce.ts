// The nonce claim every single-statement callback write starts with (ADR 0004):
// a CTE named `nonce` that inserts the call's nonce and returns one row when it
// was fresh, none when it was a replay. Writes that select `FROM nonce` happen
// only for a fresh nonce; NONCE_FRESH reads the outcome in the final SELECT.
import { sql, type Sql } from "@/lib/sql/insert-sql";

export const NONCE_CTE = "nonce";

/** `(SELECT count(*)::int FROM nonce)`: 1 when the nonce was fresh, 0 for a replay. */
export const NONCE_FRESH = `(SELECT count(*)::int FROM ${NONCE_CTE})`;

export function claimNonceCte(nonce: string, at: Date): [string, Sql] {
  return [NONCE_CTE, sql`INSERT INTO "Nonce" (nonce, "createdAt") VALUES (${nonce}, ${at.toISOString()}::timestamp(3)) ON CONFLICT DO NOTHING RETURNING 1`];
}
