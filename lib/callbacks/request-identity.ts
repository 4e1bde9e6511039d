// Which logged calls are "the same request": KooGallery re-sends a failed call
// with a fresh signature, timestamp and nonce (and, for newInstance, a fresh
// businessId: protocol:saas-interface.md#v2-newinstance), and our retries re-run the stored call. Two calls are
// the same request when endpoint, activity and the masked request agree once
// those per-attempt fields are removed. Computed in SQL (jsonb text is
// canonical: keys sorted, whitespace normalised), so bodies never leave the database.
import type { Db } from "@/lib/db";
import { SUCCESS_CODE } from "@/lib/callbacks/callback-log-filter";
import { rawSql, runSql, sql, type Sql } from "@/lib/sql/insert-sql";

/**
 * Fields that differ between attempts of one request:
 * - signature, timestamp, nonce: V2 query (protocol:signatures.md#v2-basic-signature); x-sign material of the Kit lives in headers
 *   (protocol:signatures.md#kit-x-sign)
 * - timeStamp, authToken: V1 query and V1 Kit body (protocol:signatures.md#v1-authtoken, protocol:kit-interface.md#v1-kit-differences); the Kit V2 body carries
 *   timeStamp too
 * - businessId: "different on every request" (protocol:saas-interface.md#v2-newinstance)
 * - currentSyncTime: when KooGallery sent the authSync (protocol:kit-interface.md#authsync)
 */
export const VOLATILE_REQUEST_FIELDS = ["signature", "timestamp", "nonce", "timeStamp", "authToken", "businessId", "currentSyncTime"] as const;

const volatile = rawSql(`ARRAY[${VOLATILE_REQUEST_FIELDS.map((f) => `'${f}'`).join(",")}]::text[]`);

function stripped(alias: string, part: "body" | "query"): Sql {
  // Parenthesised: "-" binds tighter than "->".
  const j = rawSql(`(${alias}."requestMasked"->'${part}')`);
  return sql`CASE WHEN jsonb_typeof(${j}) = 'object' THEN (${j} - ${volatile}) ELSE ${j} END`;
}

/** md5 over endpoint, activity and the masked request without its per-attempt fields. */
export function fingerprintSql(alias: string): Sql {
  const a = rawSql(alias);
  const body = stripped(alias, "body");
  const query = stripped(alias, "query");
  return sql`md5(concat_ws('|', ${a}.endpoint, COALESCE(${a}.activity, ''), COALESCE((${body})::text, ''), COALESCE((${query})::text, '')))`;
}

/** An id the request names, from the log's links or, when the handler refused before linking, from the request itself. */
function keySql(alias: string, column: "orderId" | "instanceId" | "tenantId"): Sql {
  return rawSql(`COALESCE(${alias}."${column}", ${alias}."requestMasked"->'body'->>'${column}', ${alias}."requestMasked"->'query'->>'${column}')`);
}

export type RequestState = {
  id: string;
  fingerprint: string;
  /** A retry of this very row that answered 000000. */
  successfulRetryId: string | null;
  /** A later call of the same request (KooGallery's own re-send, or any retry of it) that answered 000000. */
  laterSuccessId: string | null;
  /**
   * The newest later call of another request that answered 000000 for the
   * same instance (SaaS) or the same tenant and sync (Kit): re-running this row
   * after it could undo it (ADR 0006).
   */
  supersededById: string | null;
};

/**
 * SaaS activities whose success does not supersede an older failed call of the
 * instance: the purchase (calls that failed because the instance did not exist
 * yet are exactly the ones to re-run once it does), queries and notifications
 * (they change no instance).
 */
export const NON_SUPERSEDING_ACTIVITIES = ["newInstance", "queryInstance", "orderNotify"] as const;

const nonSuperseding = rawSql(`ARRAY[${NON_SUPERSEDING_ACTIVITIES.map((a) => `'${a}'`).join(",")}]::text[]`);

/** The first of the two: why the row counts as already applied, or null. */
export function appliedByOf(state: RequestState | undefined): string | null {
  return state ? (state.successfulRetryId ?? state.laterSuccessId) : null;
}

/**
 * For each row, its request fingerprint, whether the request has since
 * succeeded, and whether a newer call of another request has (superseded).
 * Successful rows are always linked (the verbs return their links), so
 * candidates are found through the orderId, instanceId and (tenantId,
 * receivedAt) indexes; the superseding call is the first such index entry
 * newer than the row, read newest first.
 */
export async function describeRequests(db: Db, ids: readonly string[]): Promise<Map<string, RequestState>> {
  if (ids.length === 0) return new Map();
  const rows = await runSql<RequestState>(
    db,
    sql`
    WITH t AS (
      SELECT l.id, l."receivedAt", l.endpoint, l.activity, ${fingerprintSql("l")} AS fp,
             ${keySql("l", "orderId")} AS "orderKey", ${keySql("l", "instanceId")} AS "instanceKey", ${keySql("l", "tenantId")} AS "tenantKey"
      FROM "CallbackLog" l
      WHERE l.id = ANY(${ids}::text[])
    )
    SELECT t.id, t.fp AS fingerprint,
      (SELECT r.id FROM "CallbackLog" r
        WHERE r."retryOfId" = t.id AND r."resultCode" = ${SUCCESS_CODE}
        ORDER BY r."receivedAt" LIMIT 1) AS "successfulRetryId",
      (SELECT c.id FROM "CallbackLog" c
        WHERE (c."orderId" = t."orderKey" OR c."instanceId" = t."instanceKey" OR c."tenantId" = t."tenantKey")
          AND c."resultCode" = ${SUCCESS_CODE} AND c."receivedAt" > t."receivedAt"
          AND c.endpoint = t.endpoint AND c.activity IS NOT DISTINCT FROM t.activity
          AND ${fingerprintSql("c")} = t.fp
        ORDER BY c."receivedAt" LIMIT 1) AS "laterSuccessId",
      CASE
        WHEN t.endpoint = 'saas' THEN
          (SELECT s.id FROM "CallbackLog" s
            WHERE s."instanceId" = t."instanceKey" AND s."receivedAt" > t."receivedAt"
              AND s."resultCode" = ${SUCCESS_CODE} AND s.endpoint = t.endpoint
              AND NOT (s.activity = ANY(${nonSuperseding}))
            ORDER BY s."receivedAt" DESC LIMIT 1)
        WHEN t.endpoint LIKE 'kit/%' THEN
          (SELECT s.id FROM "CallbackLog" s
            WHERE s."tenantId" = t."tenantKey" AND s."receivedAt" > t."receivedAt"
              AND s."resultCode" = ${SUCCESS_CODE} AND s.endpoint = t.endpoint
            ORDER BY s."receivedAt" DESC LIMIT 1)
      END AS "supersededById"
    FROM t`,
  );
  return new Map(rows.map((r) => [r.id, r]));
}

/**
 * KooGallery's first attempt at this row's request (its retry window starts
 * there): the earliest non-retry call of the same request in the `lookbackMs`
 * before the row, read through the (activity, receivedAt) index, so refused
 * attempts that were never linked to an order count too.
 */
export async function findFirstAttempt(db: Db, log: { id: string; receivedAt: Date; activity: string }, lookbackMs: number): Promise<Date> {
  const since = new Date(log.receivedAt.getTime() - lookbackMs);
  const rows = await runSql<{ first: Date | null }>(
    db,
    sql`
    WITH t AS (
      SELECT l.endpoint, l.activity, ${fingerprintSql("l")} AS fp FROM "CallbackLog" l WHERE l.id = ${log.id}
    )
    SELECT min(f."receivedAt") AS first
    FROM "CallbackLog" f, t
    WHERE f.activity = ${log.activity} AND f."receivedAt" >= ${since} AND f."receivedAt" <= ${log.receivedAt}
      AND f."retryOfId" IS NULL AND f.endpoint = t.endpoint AND ${fingerprintSql("f")} = t.fp`,
  );
  const first = rows[0]?.first;
  return first && first < log.receivedAt ? first : log.receivedAt;
}
