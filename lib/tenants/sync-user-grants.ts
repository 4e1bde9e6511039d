// authSync (protocol:kit-interface.md#authsync): up to 500 users granted an app, keyed by tenant + app +
// userName. Add (flag 1) and modify (2) write every field and make the grant
// ACTIVE; revoke (3) marks it REVOKED, delete (0) DELETED (rows are kept:
// grants are history). Users not known are skipped by revoke and delete,
// which succeed. One statement per step whatever the list size: the upsert's
// rows travel as PostgreSQL arrays expanded by unnest(), as in
// lib/org/apply-all-org-sync.ts. Mobile and e-mail are stored as sent; the
// callback log masks them. A call that changed grants tells the merchant
// users.synced with the user names by what happened (and the added and
// modified grants, without mobile or e-mail); one that changed none sends nothing.
import type { Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { kitEvent, type KitEventData } from "@/lib/events/kit-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import type { KitRequest, KitUser } from "@/lib/koogallery/schemas";
import { refreshOrphanedUsers } from "@/lib/org/refresh-orphaned-users";
import { rawSql, runSql, sql } from "@/lib/sql/insert-sql";
import { SQL_NOW_UTC } from "@/lib/sql/now-utc";
import { ensureTenantRow, findTenantRow, lockTenantRow } from "@/lib/tenants/ensure-tenant";
import { claimSyncWatermarks, grantSubject, kitSyncTimeOf, describeSyncTime } from "@/lib/tenants/sync-watermark";
import { instanceKeyOf, isKitTest, kitLinks, zeroCountsOf, type KitContext, type KitOutcome } from "@/lib/tenants/types";

type AuthSyncRequest = KitRequest<"authSync">;

/**
 * received: users in the list (a userName listed twice counts once, the last
 * entry wins); unchanged: add/modify already as sent, revoke/delete already in
 * that state; unknown: revoke/delete of users we never had; skipped: users
 * whose grant a newer authSync already set, left alone (ADR 0006).
 */
const GRANT_COUNTS = ["received", "added", "updated", "unchanged", "revoked", "deleted", "unknown", "orphanedUsers", "restoredUsers", "skipped"] as const;

type GrantCounts = Record<(typeof GRANT_COUNTS)[number], number>;

const zeroCounts = (received: number): GrantCounts => ({ ...zeroCountsOf(GRANT_COUNTS), received });

/** A grant's synced fields, in one shape for the stored row and the incoming user. */
type GrantFields = {
  userName: string;
  name: string;
  orgCode: string;
  position: string | null;
  employeeCode: string | null;
  employeeType: number | null;
  role: string;
  isEnabled: boolean;
  mobile: string | null;
  email: string | null;
  workPlace: string | null;
  entryDate: string | null;
};

type StoredGrant = GrantFields & { status: string };

const FIELDS = [
  "userName",
  "name",
  "orgCode",
  "position",
  "employeeCode",
  "employeeType",
  "role",
  "isEnabled",
  "mobile",
  "email",
  "workPlace",
  "entryDate",
] as const;
const SQL_TYPES: Record<(typeof FIELDS)[number], string> = {
  userName: "text",
  name: "text",
  orgCode: "text",
  position: "text",
  employeeCode: "text",
  employeeType: "int",
  role: "text",
  isEnabled: "boolean",
  mobile: "text",
  email: "text",
  workPlace: "text",
  entryDate: "text",
};

function toFields(user: KitUser): GrantFields {
  return {
    userName: user.userName,
    name: user.name,
    orgCode: user.orgCode,
    position: user.position ?? null,
    employeeCode: user.employeeCode ?? null,
    employeeType: user.employeeType ?? null,
    role: user.role,
    isEnabled: user.enable === "true",
    mobile: user.mobile ?? null,
    email: user.email ?? null,
    workPlace: user.workPlace ?? null,
    entryDate: user.entryDate ?? null,
  };
}

const isSameGrant = (a: GrantFields, b: GrantFields) => FIELDS.every((f) => a[f] === b[f]);

async function loadGrants(tx: Tx, tenantRowId: string, appId: string, userNames: string[]): Promise<Map<string, StoredGrant>> {
  const select = { ...Object.fromEntries(FIELDS.map((f) => [f, true])), status: true } as Record<(typeof FIELDS)[number] | "status", true>;
  const rows = await tx.tenantUser.findMany({ where: { tenantRowId, appId, userName: { in: userNames } }, select });
  return new Map(rows.map((r) => [r.userName, r]));
}

/** Inserts new grants and rewrites changed ones (status ACTIVE), in one statement: the rows travel as arrays expanded by unnest(). */
async function upsertGrants(tx: Tx, tenantRowId: string, appId: string, isTest: boolean, grants: GrantFields[]): Promise<void> {
  const columns = rawSql(FIELDS.map((f) => `"${f}"`).join(", "));
  const arrays = FIELDS.map((f) => sql`${grants.map((g) => g[f])}::${rawSql(SQL_TYPES[f])}[]`).reduce((list, array) => sql`${list}, ${array}`);
  const updates = rawSql([...FIELDS.filter((f) => f !== "userName"), "isTest"].map((f) => `"${f}" = EXCLUDED."${f}"`).join(", "));
  const now = rawSql(SQL_NOW_UTC);
  await runSql(
    { tx },
    sql`INSERT INTO "TenantUser" (id, "tenantRowId", "appId", ${columns}, status, "isOrphaned", "isTest", "lastSyncAt", "createdAt", "updatedAt")
     SELECT gen_random_uuid()::text, ${tenantRowId}::text, ${appId}::text, ${rawSql(FIELDS.map((f) => `u."${f}"`).join(", "))},
            'ACTIVE'::"GrantStatus", false, ${isTest}::boolean, ${now}, ${now}, ${now}
       FROM unnest(${arrays}) AS u(${columns})
     ON CONFLICT ("tenantRowId", "appId", "userName") DO UPDATE
        SET ${updates}, status = 'ACTIVE'::"GrantStatus", "lastSyncAt" = EXCLUDED."lastSyncAt", "updatedAt" = EXCLUDED."updatedAt"`,
  );
}

/** Revoke or delete: only grants not already in that state (a deleted grant is not revoked). */
async function setStatus(tx: Tx, tenantRowId: string, appId: string, userNames: string[], status: "REVOKED" | "DELETED"): Promise<number> {
  const from: Prisma.TenantUserWhereInput = status === "REVOKED" ? { status: "ACTIVE" } : { status: { not: "DELETED" } };
  const { count } = await tx.tenantUser.updateMany({
    where: { tenantRowId, appId, userName: { in: userNames }, ...from },
    data: { status, lastSyncAt: new Date() },
  });
  return count;
}

const FLAG_NAMES = { 0: "delete", 1: "add", 2: "modify", 3: "revoke" } as const satisfies Record<AuthSyncRequest["flag"], string>;

type UsersSynced = KitEventData["users.synced"];

export async function syncUserGrants(ctx: KitContext, req: AuthSyncRequest): Promise<KitOutcome> {
  const { tx } = ctx;
  const instanceKey = instanceKeyOf(req.instanceId);
  const isTest = isKitTest(req);
  const byName = new Map(req.userList.map((u) => [u.userName, toFields(u)]));
  const counts = zeroCounts(byName.size);
  const action = FLAG_NAMES[req.flag];
  const isRemoval = req.flag === 0 || req.flag === 3;
  const done = (note: string): KitOutcome => ({
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: kitLinks(req),
    isTest,
    note: `authSync ${action} of ${counts.received} users for app ${JSON.stringify(req.appId)}: ${note}`,
    counts,
  });

  // Per user: a grant that a newer authSync (currentSyncTime) already set is
  // left alone, whatever else this call carries (ADR 0006). Claimed before
  // anything is written, so a fully stale call changes nothing at all.
  const syncedAt = kitSyncTimeOf(ctx, req.currentSyncTime);
  if (syncedAt && byName.size > 0) {
    const key = { tenantId: req.tenantId, instanceKey, kind: "authSync" as const };
    const claimed = await claimSyncWatermarks(
      tx,
      key,
      [...byName.keys()].map((u) => grantSubject(req.appId, u)),
      syncedAt,
    );
    for (const userName of [...byName.keys()]) {
      if (claimed.has(grantSubject(req.appId, userName))) continue;
      byName.delete(userName);
      counts.skipped += 1;
    }
    if (byName.size === 0) {
      const who = counts.skipped === 1 ? "this user" : `all ${counts.skipped} users`;
      return done(`skipped: older than the last applied authSync for ${who} (this one made ${describeSyncTime(syncedAt)}); nothing changed`);
    }
  }
  const userNames = [...byName.keys()];
  const staleNote = counts.skipped > 0 ? `; ${counts.skipped} skipped: older than the last applied authSync for them` : "";

  const tenant = isRemoval ? await findTenantRow(tx, req.tenantId, instanceKey) : await ensureTenantRow(tx, req.tenantId, instanceKey, isTest);
  if (!tenant) {
    counts.unknown = byName.size;
    return done(`tenant not known: nothing to do${staleNote}`);
  }
  await lockTenantRow(tx, tenant.id);
  const stored = userNames.length > 0 ? await loadGrants(tx, tenant.id, req.appId, userNames) : new Map<string, StoredGrant>();

  let note: string;
  const synced: UsersSynced = { appId: req.appId, operation: action, added: [], modified: [], revoked: [], deleted: [], users: [] };
  if (isRemoval) {
    const known = userNames.filter((n) => stored.has(n));
    const status = req.flag === 3 ? "REVOKED" : "DELETED";
    // What setStatus changes (the tenant lock keeps `stored` current): revoke takes active grants, delete any not deleted.
    const willChange = known.filter((n) => (status === "REVOKED" ? stored.get(n)?.status === "ACTIVE" : stored.get(n)?.status !== "DELETED"));
    if (status === "REVOKED") synced.revoked = willChange;
    else synced.deleted = willChange;
    const changed = known.length > 0 ? await setStatus(tx, tenant.id, req.appId, known, status) : 0;
    counts.unknown = userNames.length - known.length;
    counts.unchanged = known.length - changed;
    if (status === "REVOKED") counts.revoked = changed;
    else counts.deleted = changed;
    note = `${changed} ${status.toLowerCase()}, ${counts.unchanged} already so, ${counts.unknown} not known`;
  } else {
    const writes: GrantFields[] = [];
    for (const grant of byName.values()) {
      const current = stored.get(grant.userName);
      if (!current) {
        counts.added += 1;
        synced.added.push(grant.userName);
      } else if (current.status !== "ACTIVE" || !isSameGrant(current, grant)) {
        counts.updated += 1;
        synced.modified.push(grant.userName);
      } else {
        counts.unchanged += 1;
        continue;
      }
      writes.push(grant);
      synced.users.push({ userName: grant.userName, name: grant.name, orgCode: grant.orgCode, role: grant.role, isEnabled: grant.isEnabled });
    }
    if (writes.length > 0) await upsertGrants(tx, tenant.id, req.appId, isTest, writes);
    // The flag follows each grant's (possibly new) department.
    const orgCodes = [...new Set(writes.map((g) => g.orgCode))];
    if (orgCodes.length > 0) {
      const users = await refreshOrphanedUsers(tx, tenant.id, orgCodes);
      counts.orphanedUsers = users.orphaned;
      counts.restoredUsers = users.restored;
    }
    note = `${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged`;
    if (counts.orphanedUsers > 0) note += `, ${counts.orphanedUsers} in a department not (yet) synced`;
  }

  await tx.syncEvent.create({ data: { tenantRowId: tenant.id, kind: "authSync", flag: req.flag, counts, isTest, callbackLogId: ctx.callbackLogId } });
  const changedCount = synced.added.length + synced.modified.length + synced.revoked.length + synced.deleted.length;
  if (changedCount > 0) await writeEvents(tx, [kitEvent("users.synced", req, isTest, synced)]);
  return done(note + staleNote + (tenant.deletedAt ? " (tenant is marked deleted)" : ""));
}
