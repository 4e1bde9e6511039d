// The order of the Kit syncs (ADR 0006, "Ordering and re-applying"). KooGallery
// may deliver a sync late (its own re-send, a buyer's manual retry, our staff
// re-run of a stored call), after a newer one for the same thing was applied;
// applying it then would undo the newer change. Each verb therefore claims,
// in its transaction and before it writes anything, the watermark of what it
// changes: per tenant (tenantSync, allOrgSync), per app (applicationSync), per
// department (singleOrgSync) or per app and user (authSync). The claim is one
// upsert that only moves forward; a subject whose stored time is newer is not
// claimed, and the verb leaves it alone (answering 000000: KooGallery has
// nothing to fix). Equal times claim again: a re-send of the same sync applies
// again, which the idempotent verbs turn into "unchanged".
import type { Tx } from "@/lib/db";
import { ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import { parseV1Timestamp } from "@/lib/koogallery/v1-auth-token";
import { rawSql, runSql, sql } from "@/lib/sql/insert-sql";
import { SQL_NOW_UTC } from "@/lib/sql/now-utc";
import { isKitTest, kitLinks, type KitContext, type KitOutcome } from "@/lib/tenants/types";

/** The Kit documents its times as UTC+8 `yyyyMMddHHmmssSSS`. */
const KIT_UTC_OFFSET_MINUTES = 480;

export type WatermarkKind = "tenantSync" | "applicationSync" | "authSync" | "singleOrgSync" | "allOrgSync";

export type WatermarkKey = { tenantId: string; instanceKey: string; kind: WatermarkKind };

/**
 * When the sync was made: `currentSyncTime` (authSync) or the body's
 * `timeStamp`, read as UTC+8 (14 digits are whole seconds); a value that cannot
 * be read falls back to the call's signed sending time. Undefined when neither
 * exists: such a call is applied without ordering.
 */
export function kitSyncTimeOf(ctx: Pick<KitContext, "sentAt">, value: string | undefined): Date | undefined {
  if (value) {
    const parsed = parseV1Timestamp(value.length === 14 ? `${value}000` : value, KIT_UTC_OFFSET_MINUTES);
    if (parsed) return parsed;
  }
  return ctx.sentAt;
}

/** authSync's subject: the grant's key (tenant + app + userName), unambiguous whatever the names hold. */
export function grantSubject(appId: string, userName: string): string {
  return JSON.stringify([appId, userName]);
}

/**
 * Claims the watermarks of `subjects` at `at` and answers the subjects claimed
 * (their stored time was older, equal or absent). The upsert holds each claimed
 * row's lock until the transaction ends, so two calls for one subject apply one
 * after the other and the older one, if second, finds the newer time and is
 * refused; rows are claimed in sorted order, so two calls cannot deadlock.
 */
export async function claimSyncWatermarks(tx: Tx, key: WatermarkKey, subjects: readonly string[], at: Date): Promise<Set<string>> {
  if (subjects.length === 0) return new Set();
  const sorted = [...new Set(subjects)].sort();
  const rows = await runSql<{ subject: string }>(
    { tx },
    sql`INSERT INTO "SyncWatermark" ("tenantId", "instanceKey", kind, subject, "syncedAt", "updatedAt")
     SELECT ${key.tenantId}::text, ${key.instanceKey}::text, ${key.kind}::text, s.subject, ${at.toISOString()}::timestamp(3), ${rawSql(SQL_NOW_UTC)}
       FROM unnest(${sorted}::text[]) WITH ORDINALITY AS s(subject, n)
      ORDER BY s.n
     ON CONFLICT ("tenantId", "instanceKey", kind, subject) DO UPDATE
        SET "syncedAt" = EXCLUDED."syncedAt", "updatedAt" = EXCLUDED."updatedAt"
      WHERE EXCLUDED."syncedAt" >= "SyncWatermark"."syncedAt"
     RETURNING subject`,
  );
  return new Set(rows.map((r) => r.subject));
}

/** The stored time of one watermark (for people: the skip note says what was newer). */
export async function readSyncWatermark(tx: Tx, key: WatermarkKey, subject: string): Promise<Date | null> {
  const row = await tx.syncWatermark.findUnique({ where: { tenantId_instanceKey_kind_subject: { ...key, subject } }, select: { syncedAt: true } });
  return row?.syncedAt ?? null;
}

/** "2026-01-01T12:00:00.000Z": how the skip notes name a time. */
export function describeSyncTime(at: Date): string {
  return at.toISOString();
}

export type SyncOrder = { isStale: false } | { isStale: true; note: string };

/**
 * Claims one subject's watermark for a sync made at `timeValue` (see
 * kitSyncTimeOf). `what` names the subject for people ("this tenant",
 * `app "a1"`). Stale: the note says so, and the verb changes nothing.
 */
export async function claimKitSync(ctx: KitContext, key: WatermarkKey, subject: string, what: string, timeValue: string | undefined): Promise<SyncOrder> {
  const at = kitSyncTimeOf(ctx, timeValue);
  if (!at) return { isStale: false };
  const claimed = await claimSyncWatermarks(ctx.tx, key, [subject], at);
  if (claimed.has(subject)) return { isStale: false };
  const applied = await readSyncWatermark(ctx.tx, key, subject);
  return { isStale: true, note: staleNote(key.kind, what, at, applied) };
}

export function staleNote(kind: WatermarkKind, what: string, at: Date, applied: Date | null): string {
  const appliedAt = applied ? describeSyncTime(applied) : "newer";
  return `skipped: older than the last applied ${kind} for ${what} (this one made ${describeSyncTime(at)}, the applied one ${appliedAt}); nothing changed`;
}

/** The answer to a stale sync: success (KooGallery has nothing to fix), nothing written. */
export function skippedKitOutcome(req: { tenantId: string; instanceId: string; orderId?: string; testFlag: number }, note: string): KitOutcome {
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: kitLinks(req),
    isTest: isKitTest(req),
    note,
    counts: { skipped: 1 },
  };
}
