// singleOrgSync (protocol:kit-interface.md#singleorgsync): one department added (flag 1), changed (2) or
// deleted (0). Add and modify are one upsert: a repeated add changes nothing, an
// add of a known department with another name/parent is a modify, a modify of an
// unknown department creates it. Deleting an absent department succeeds. A
// department whose parent has not arrived yet keeps its parentCode with no
// parentId (pending) and is attached when the parent comes.
import { CallbackError } from "@/lib/errors";
import type { Tx } from "@/lib/db";
import { kitEvent, type KitEventData } from "@/lib/events/kit-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import type { KitRequest } from "@/lib/koogallery/schemas";
import { openOrgSync } from "@/lib/org/open-org-sync";
import { refreshOrphanedUsers } from "@/lib/org/refresh-orphaned-users";
import { runSql, sql } from "@/lib/sql/insert-sql";
import { claimKitSync, kitSyncTimeOf, readSyncWatermark, skippedKitOutcome, staleNote } from "@/lib/tenants/sync-watermark";
import { instanceKeyOf, zeroCountsOf, type KitContext, type KitOutcome } from "@/lib/tenants/types";

type SingleOrgRequest = KitRequest<"singleOrgSync">;

/**
 * attachedChildren: children of an added department that were waiting for it;
 * detachedChildren: children of a deleted department, now waiting for a parent.
 */
const SINGLE_ORG_COUNTS = [
  "added",
  "renamed",
  "moved",
  "removed",
  "unchanged",
  "attachedChildren",
  "detachedChildren",
  "orphanedUsers",
  "restoredUsers",
] as const;

type SingleOrgCounts = Record<(typeof SINGLE_ORG_COUNTS)[number], number>;

type DepartmentState = { orgName: string; parentCode: string };
type SingleOrgDiff = { orgCode: string; orgName?: string; parentCode?: string; before: DepartmentState | null };
type Applied = { counts: SingleOrgCounts; note: string; diff: SingleOrgDiff };

const zeroCounts = (): SingleOrgCounts => zeroCountsOf(SINGLE_ORG_COUNTS);

const quote = (code: string) => JSON.stringify(code);

/**
 * Would `orgCode` under `parentCode` close a loop? Walks up from the new parent
 * by parentCode, which covers every parentId link (parentId is always the row
 * named by parentCode) and also pending links to departments not yet received:
 * adding X under P where P already waits for X is a cycle too. UNION (not
 * UNION ALL) stops on a loop already stored, so the walk always ends.
 */
async function isCycle(tx: Tx, tenantRowId: string, orgCode: string, parentCode: string): Promise<boolean> {
  const rows = await runSql<{ isCycle: boolean }>(
    { tx },
    sql`WITH RECURSIVE up(code) AS (
       SELECT ${parentCode}::text
       UNION
       SELECT d."parentCode"
         FROM up JOIN "Department" d ON d."tenantRowId" = ${tenantRowId} AND d."orgCode" = up.code
        WHERE d."parentCode" <> '' AND up.code <> ${orgCode}
     )
     SELECT EXISTS (SELECT 1 FROM up WHERE code = ${orgCode}) AS "isCycle"`,
  );
  return rows[0]?.isCycle === true;
}

async function upsertDepartment(tx: Tx, tenantRowId: string, req: SingleOrgRequest): Promise<Applied> {
  const { orgCode, orgName, parentCode } = req;
  const counts = zeroCounts();
  const existing = await tx.department.findUnique({
    where: { tenantRowId_orgCode: { tenantRowId, orgCode } },
    select: { id: true, orgName: true, parentCode: true },
  });
  const diff: SingleOrgDiff = { orgCode, orgName, parentCode, before: existing ? { orgName: existing.orgName, parentCode: existing.parentCode } : null };

  if (existing && existing.orgName === orgName && existing.parentCode === parentCode) {
    counts.unchanged = 1;
    return { counts, diff, note: `department ${quote(orgCode)} already up to date` };
  }
  const isNewParent = !existing || existing.parentCode !== parentCode;
  if (isNewParent && parentCode !== "" && (await isCycle(tx, tenantRowId, orgCode, parentCode))) {
    throw new CallbackError(ResultCode.INVALID_PARAMS, `parentCode ${quote(parentCode)} is orgCode ${quote(orgCode)} or one of its descendants`);
  }
  const parent =
    parentCode === "" ? null : await tx.department.findUnique({ where: { tenantRowId_orgCode: { tenantRowId, orgCode: parentCode } }, select: { id: true } });
  const pending = parentCode !== "" && !parent ? ` (parent ${quote(parentCode)} pending)` : "";

  if (existing) {
    await tx.department.update({ where: { id: existing.id }, data: { orgName, parentCode, parentId: parent?.id ?? null } });
    counts.renamed = existing.orgName === orgName ? 0 : 1;
    counts.moved = existing.parentCode === parentCode ? 0 : 1;
    const what = [counts.renamed ? "renamed" : "", counts.moved ? `moved to ${quote(parentCode)}` : ""].filter(Boolean).join(" and ");
    return { counts, diff, note: `department ${quote(orgCode)} ${what}${pending}` };
  }

  const created = await tx.department.create({
    data: { tenantRowId, orgCode, orgName, parentCode, parentId: parent?.id ?? null },
    select: { id: true },
  });
  counts.added = 1;
  // Children that arrived first waited with their parentCode only. parentId is
  // derived, so updatedAt keeps meaning "KooGallery changed this department".
  const attachedRows = await runSql(
    { tx },
    sql`UPDATE "Department" SET "parentId" = ${created.id}
         WHERE "tenantRowId" = ${tenantRowId} AND "parentCode" = ${orgCode} AND "parentId" IS DISTINCT FROM ${created.id}
        RETURNING id`,
  );
  counts.attachedChildren = attachedRows.length;
  const users = await refreshOrphanedUsers(tx, tenantRowId, [orgCode]);
  counts.restoredUsers = users.restored;
  const attached = counts.attachedChildren > 0 ? `, ${counts.attachedChildren} waiting children attached` : "";
  return { counts, diff, note: `department ${quote(orgCode)} added${pending}${attached}` };
}

async function deleteDepartment(tx: Tx, tenantRowId: string, req: SingleOrgRequest): Promise<Applied> {
  const { orgCode } = req;
  const counts = zeroCounts();
  const existing = await tx.department.findUnique({
    where: { tenantRowId_orgCode: { tenantRowId, orgCode } },
    select: { id: true, orgName: true, parentCode: true },
  });
  const diff: SingleOrgDiff = { orgCode, before: existing ? { orgName: existing.orgName, parentCode: existing.parentCode } : null };
  if (existing) {
    counts.detachedChildren = await tx.department.count({ where: { tenantRowId, parentCode: orgCode } });
    // The foreign key (ON DELETE SET NULL) clears the children's parentId; they
    // keep parentCode and wait for a department with that code.
    await tx.department.delete({ where: { id: existing.id } });
    counts.removed = 1;
  }
  // Also when already absent: the users of an unknown department have none.
  const users = await refreshOrphanedUsers(tx, tenantRowId, [orgCode]);
  counts.orphanedUsers = users.orphaned;
  const parts = [
    existing ? `department ${quote(orgCode)} deleted` : `department ${quote(orgCode)} already absent`,
    counts.detachedChildren > 0 ? `${counts.detachedChildren} children now wait for a parent` : "",
    counts.orphanedUsers > 0 ? `${counts.orphanedUsers} users orphaned` : "",
  ];
  return { counts, diff, note: parts.filter(Boolean).join(", ") };
}

/** The merchant's event for a department that changed; undefined when nothing did. */
function orgSyncedData(req: SingleOrgRequest, applied: Applied): KitEventData["org.synced"] | undefined {
  const { counts, diff } = applied;
  const action = counts.added ? "added" : counts.removed ? "deleted" : counts.renamed || counts.moved ? "modified" : undefined;
  if (!action) return undefined;
  const department = action === "deleted" ? null : { orgCode: req.orgCode, orgName: req.orgName, parentCode: req.parentCode };
  return { mode: "incremental", action, orgCode: req.orgCode, department, previous: diff.before, counts };
}

export async function applySingleOrgSync(ctx: KitContext, req: SingleOrgRequest): Promise<KitOutcome> {
  if (req.flag !== 0 && req.parentCode === req.orgCode) {
    throw new CallbackError(ResultCode.INVALID_PARAMS, `parentCode ${quote(req.parentCode)} is orgCode ${quote(req.orgCode)} itself`);
  }
  // Per department: two departments' changes are independent, so only an
  // older change of this very department is skipped (ADR 0006)…
  const tenantKey = { tenantId: req.tenantId, instanceKey: instanceKeyOf(req.instanceId) };
  const order = await claimKitSync(ctx, { ...tenantKey, kind: "singleOrgSync" }, req.orgCode, `department ${quote(req.orgCode)}`, req.timeStamp);
  if (order.isStale) return skippedKitOutcome(req, `singleOrgSync flag ${req.flag}: ${order.note}`);
  const target = await openOrgSync(ctx.tx, req);
  // …and so is a change older than the last full list, which already holds the
  // department as it was then. Read under the tenant's lock, which a full sync also takes.
  const at = kitSyncTimeOf(ctx, req.timeStamp);
  const fullSyncAt = at ? await readSyncWatermark(ctx.tx, { ...tenantKey, kind: "allOrgSync" }, "") : null;
  if (at && fullSyncAt && fullSyncAt > at)
    return skippedKitOutcome(req, `singleOrgSync flag ${req.flag}: ${staleNote("allOrgSync", "this tenant", at, fullSyncAt)}`);
  const applied = req.flag === 0 ? await deleteDepartment(ctx.tx, target.tenantRowId, req) : await upsertDepartment(ctx.tx, target.tenantRowId, req);
  await ctx.tx.syncEvent.create({
    data: {
      tenantRowId: target.tenantRowId,
      kind: "singleOrgSync",
      flag: req.flag,
      counts: applied.counts,
      diff: applied.diff,
      isTest: target.isTest,
      callbackLogId: ctx.callbackLogId,
    },
  });
  const synced = orgSyncedData(req, applied);
  if (synced) await writeEvents(ctx.tx, [kitEvent("org.synced", req, target.isTest, synced)]);
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: target.links,
    isTest: target.isTest,
    note: `singleOrgSync flag ${req.flag}: ${applied.note}${target.isTenantDeleted ? " (tenant is marked deleted)" : ""}`,
    counts: applied.counts,
  };
}
