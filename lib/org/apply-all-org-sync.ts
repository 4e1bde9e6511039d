// allOrgSync (protocol:kit-interface.md#allorgsync): the full list replaces the tenant's tree, in the
// callback's transaction. The list is checked and diffed in memory
// (diff-org-tree.ts), then written with one statement per kind of change: the
// rows travel as PostgreSQL arrays expanded by unnest(), which works the same
// through @prisma/adapter-pg and pglite-prisma-adapter and keeps a
// 20,000-department sync to a handful of round trips. A sync that changed the
// tree (or users' orphan flags) tells the merchant org.synced (mode "full")
// with its diff counts; a repeat of the same list sends nothing.
import { CallbackError } from "@/lib/errors";
import type { Tx } from "@/lib/db";
import { kitEvent } from "@/lib/events/kit-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import type { KitRequest } from "@/lib/koogallery/schemas";
import { diffOrgTree, InvalidOrgListError, type OrgEntry, type OrgTreeDiff } from "@/lib/org/diff-org-tree";
import { loadDepartments } from "@/lib/org/load-departments";
import { openOrgSync } from "@/lib/org/open-org-sync";
import { refreshOrphanedUsers } from "@/lib/org/refresh-orphaned-users";
import { rawSql, runSql, sql, type Sql } from "@/lib/sql/insert-sql";
import { SQL_NOW_UTC } from "@/lib/sql/now-utc";
import { claimKitSync, skippedKitOutcome } from "@/lib/tenants/sync-watermark";
import { instanceKeyOf, type KitContext, type KitOutcome } from "@/lib/tenants/types";

/** Entries kept per list in SyncEvent.diff; counts always hold the full numbers. */
export const DIFF_LIST_CAP = 500;

/**
 * pendingParent: departments whose parentCode is not in the list (kept, parent
 * pending); orphanedUsers: grants newly flagged isOrphaned (their orgCode is not
 * in the tree after this sync); restoredUsers: grants whose flag was cleared.
 */
export type AllOrgCounts = Record<
  "added" | "renamed" | "moved" | "removed" | "unchanged" | "total" | "pendingParent" | "orphanedUsers" | "restoredUsers",
  number
>;

/** The entries as three arrays (codes, names, parent codes) for unnest(): one statement whatever the list size. */
function columns(entries: readonly OrgEntry[]): Sql {
  return sql`${entries.map((e) => e.orgCode)}::text[], ${entries.map((e) => e.orgName)}::text[], ${entries.map((e) => e.parentCode)}::text[]`;
}

async function writeDiff(tx: Tx, tenantRowId: string, diff: OrgTreeDiff): Promise<void> {
  const now = rawSql(SQL_NOW_UTC);
  if (diff.removed.length > 0) {
    // ON DELETE SET NULL clears the children's parentId; the relink below decides again.
    const codes = diff.removed.map((e) => e.orgCode);
    await runSql({ tx }, sql`DELETE FROM "Department" WHERE "tenantRowId" = ${tenantRowId} AND "orgCode" = ANY(${codes}::text[])`);
  }
  if (diff.changed.length > 0) {
    await runSql(
      { tx },
      sql`UPDATE "Department" d SET "orgName" = u.name, "parentCode" = u.parent, "updatedAt" = ${now}
         FROM unnest(${columns(diff.changed)}) AS u(code, name, parent)
        WHERE d."tenantRowId" = ${tenantRowId} AND d."orgCode" = u.code`,
    );
  }
  if (diff.added.length > 0) {
    // Ids are drawn in a CTE so the new rows can point at each other in the same
    // statement (and at the rows already there): on a first load the relink
    // below then has nothing to rewrite. Foreign keys are checked at the end of
    // the statement, so the order of the rows does not matter.
    await runSql(
      { tx },
      sql`WITH u AS MATERIALIZED (
         SELECT gen_random_uuid()::text AS id, code, name, parent
           FROM unnest(${columns(diff.added)}) AS t(code, name, parent)
       )
       INSERT INTO "Department" (id, "tenantRowId", "orgCode", "orgName", "parentCode", "parentId", "createdAt", "updatedAt")
       SELECT u.id, ${tenantRowId}::text, u.code, u.name, u.parent, coalesce(sibling.id, existing.id), ${now}, ${now}
         FROM u
         LEFT JOIN u sibling ON sibling.code = u.parent
         LEFT JOIN "Department" existing ON existing."tenantRowId" = ${tenantRowId} AND existing."orgCode" = u.parent`,
    );
  }
}

/**
 * Every parentId of the tenant from parentCode, in one statement: new rows,
 * moved rows, children of removed rows (now pending) and children whose parent
 * arrived in this list. Rows already right are not rewritten.
 */
async function relinkParents(tx: Tx, tenantRowId: string): Promise<void> {
  await runSql(
    { tx },
    sql`UPDATE "Department" c SET "parentId" = x."parentId"
       FROM (SELECT child.id, parent.id AS "parentId"
               FROM "Department" child
               LEFT JOIN "Department" parent
                 ON parent."tenantRowId" = child."tenantRowId" AND parent."orgCode" = child."parentCode"
              WHERE child."tenantRowId" = ${tenantRowId}) x
      WHERE c.id = x.id AND c."parentId" IS DISTINCT FROM x."parentId"`,
  );
}

function cappedDiff(diff: OrgTreeDiff) {
  const cap = <T>(list: T[]) => list.slice(0, DIFF_LIST_CAP);
  const isTruncated = [diff.added, diff.renamed, diff.moved, diff.removed].some((list) => list.length > DIFF_LIST_CAP);
  return { added: cap(diff.added), renamed: cap(diff.renamed), moved: cap(diff.moved), removed: cap(diff.removed), cap: DIFF_LIST_CAP, isTruncated };
}

export async function applyAllOrgSync(ctx: KitContext, req: KitRequest<"allOrgSync">): Promise<KitOutcome> {
  // An older full list delivered late would undo the newer tree (ADR 0006).
  const order = await claimKitSync(
    ctx,
    { tenantId: req.tenantId, instanceKey: instanceKeyOf(req.instanceId), kind: "allOrgSync" },
    "",
    "this tenant",
    req.timeStamp,
  );
  if (order.isStale) return skippedKitOutcome(req, `allOrgSync: ${order.note}`);
  const target = await openOrgSync(ctx.tx, req);
  const current = await loadDepartments(ctx.tx, target.tenantRowId);
  let diff: OrgTreeDiff;
  try {
    diff = diffOrgTree(current, req.orgInfoList);
  } catch (error) {
    if (error instanceof InvalidOrgListError) throw new CallbackError(ResultCode.INVALID_PARAMS, `orgInfoList: ${error.message}`);
    throw error;
  }

  await writeDiff(ctx.tx, target.tenantRowId, diff);
  // Also after a sync that changed nothing: it costs one join and repairs any drift.
  await relinkParents(ctx.tx, target.tenantRowId);
  // All users, not only those of removed departments: a repeated full sync
  // also repairs flags left by grants that arrived before their department.
  const users = await refreshOrphanedUsers(ctx.tx, target.tenantRowId);

  const counts: AllOrgCounts = {
    added: diff.added.length,
    renamed: diff.renamed.length,
    moved: diff.moved.length,
    removed: diff.removed.length,
    unchanged: diff.unchanged,
    total: diff.total,
    pendingParent: diff.pendingParent,
    orphanedUsers: users.orphaned,
    restoredUsers: users.restored,
  };
  const capped = cappedDiff(diff);
  await ctx.tx.syncEvent.create({
    data: { tenantRowId: target.tenantRowId, kind: "allOrgSync", counts, diff: capped, isTest: target.isTest, callbackLogId: ctx.callbackLogId },
  });
  const isChanged = counts.added + counts.renamed + counts.moved + counts.removed + counts.orphanedUsers + counts.restoredUsers > 0;
  if (isChanged) {
    const { added, renamed, moved, removed, cap: listCap, isTruncated } = capped;
    const synced = { mode: "full" as const, counts, added, renamed, moved, removed, listCap, isTruncated };
    await writeEvents(ctx.tx, [kitEvent("org.synced", req, target.isTest, synced)]);
  }

  const userNote = [
    counts.orphanedUsers > 0 ? `${counts.orphanedUsers} users orphaned` : "",
    counts.restoredUsers > 0 ? `${counts.restoredUsers} users restored` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: target.links,
    isTest: target.isTest,
    note:
      `allOrgSync: ${counts.total} departments (${counts.added} added, ${counts.renamed} renamed, ${counts.moved} moved, ` +
      `${counts.removed} removed, ${counts.unchanged} unchanged, ${counts.pendingParent} with pending parent)` +
      (userNote ? `; ${userNote}` : "") +
      (target.isTenantDeleted ? " (tenant is marked deleted)" : ""),
    counts,
  };
}
