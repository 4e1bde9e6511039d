// tenantSync (protocol:kit-interface.md#tenantsync): a buyer's enterprise added (flag 1), renamed (2) or
// removed (0), keyed by instance + tenant. Deleting is soft (deletedAt), never
// looks at the instance, and succeeds when there is nothing to delete; a
// repeated add changes nothing; an add of a deleted tenant brings it back.
// A placeholder row left by a sync that came first is filled in here. A sync
// that changed something tells the merchant tenant.synced with the tenant as
// it is now; one that changed nothing (a repeat) sends nothing.
import type { Prisma } from "@/lib/generated/prisma/client";
import { kitEvent, syncActionOf } from "@/lib/events/kit-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode, defaultResultMessages } from "@/lib/koogallery/result-codes";
import type { KitRequest } from "@/lib/koogallery/schemas";
import { createTenantRow, findTenantRow, lockTenantRow } from "@/lib/tenants/ensure-tenant";
import { claimKitSync, skippedKitOutcome } from "@/lib/tenants/sync-watermark";
import { instanceKeyOf, isKitTest, kitLinks, zeroCountsOf, type KitContext, type KitOutcome } from "@/lib/tenants/types";

type TenantSyncRequest = KitRequest<"tenantSync">;

const TENANT_COUNTS = ["added", "updated", "restored", "deleted", "unchanged"] as const;

type TenantFields = { tenantCode: string; name: string; domainName: string; orderId: string | null; isTest: boolean; deletedAt: Date | null };

/** What an add (every field) or a modify (name and domainName; a placeholder's code too) would write. */
function wantedChanges(req: TenantSyncRequest, current: TenantFields, isTest: boolean): Prisma.TenantUpdateInput {
  const data: Prisma.TenantUpdateInput = {};
  if (current.name !== req.name) data.name = req.name;
  if (current.domainName !== req.domainName) data.domainName = req.domainName;
  const isPlaceholder = current.tenantCode === "";
  if ((req.flag === 1 || isPlaceholder) && current.tenantCode !== req.tenantCode) data.tenantCode = req.tenantCode;
  if (req.flag === 1) {
    if (req.orderId && current.orderId !== req.orderId) data.orderId = req.orderId;
    if (current.isTest !== isTest) data.isTest = isTest;
    if (current.deletedAt !== null) data.deletedAt = null;
  }
  return data;
}

export async function syncTenant(ctx: KitContext, req: TenantSyncRequest): Promise<KitOutcome> {
  const { tx } = ctx;
  const instanceKey = instanceKeyOf(req.instanceId);
  const isTest = isKitTest(req);
  const counts = zeroCountsOf(TENANT_COUNTS);
  // An older sync delivered late must not undo a newer one (a delete above all): ADR 0006.
  const order = await claimKitSync(ctx, { tenantId: req.tenantId, instanceKey, kind: "tenantSync" }, "", "this tenant", req.timeStamp);
  if (order.isStale) return skippedKitOutcome(req, `tenantSync flag ${req.flag}: ${order.note}`);
  let tenantRowId: string | undefined;
  let diff: Prisma.InputJsonObject | undefined;
  let changedFields: string[] = [];
  let note: string;

  if (req.flag === 0) {
    const row = await findTenantRow(tx, req.tenantId, instanceKey);
    if (!row) {
      note = "tenant not known: nothing to delete";
    } else {
      tenantRowId = row.id;
      await lockTenantRow(tx, row.id);
      const { count } = await tx.tenant.updateMany({ where: { id: row.id, deletedAt: null }, data: { deletedAt: new Date() } });
      counts.deleted = count;
      counts.unchanged = 1 - count;
      note = count ? "tenant marked deleted" : "tenant already deleted";
    }
  } else {
    const row = await createTenantRow(tx, req.tenantId, instanceKey, {
      tenantCode: req.tenantCode,
      name: req.name,
      domainName: req.domainName,
      orderId: req.orderId || null,
      isTest,
    });
    tenantRowId = row.id;
    if (row.isCreated) {
      counts.added = 1;
      note = req.flag === 1 ? "tenant added" : "modify of an unknown tenant: added";
    } else {
      await lockTenantRow(tx, row.id);
      const current = await tx.tenant.findUniqueOrThrow({
        where: { id: row.id },
        select: { tenantCode: true, name: true, domainName: true, orderId: true, isTest: true, deletedAt: true },
      });
      const data = wantedChanges(req, current, isTest);
      const changed = Object.keys(data);
      if (changed.length === 0) {
        counts.unchanged = 1;
        note = current.deletedAt ? "tenant is marked deleted; nothing to modify" : "tenant already up to date";
      } else {
        await tx.tenant.update({ where: { id: row.id }, data });
        changedFields = changed.filter((field) => field !== "deletedAt");
        const isRestored = current.deletedAt !== null && data.deletedAt === null;
        counts.restored = isRestored ? 1 : 0;
        counts.updated = changed.some((field) => field !== "deletedAt") ? 1 : 0;
        diff = {
          changed,
          before: { name: current.name, domainName: current.domainName, tenantCode: current.tenantCode },
          after: { name: req.name, domainName: req.domainName, tenantCode: typeof data.tenantCode === "string" ? data.tenantCode : current.tenantCode },
        };
        note =
          (isRestored ? "deleted tenant added again" : `tenant updated (${changed.join(", ")})`) +
          (current.deletedAt && !isRestored ? " (tenant is marked deleted)" : "");
      }
    }
  }

  if (tenantRowId) {
    await tx.syncEvent.create({
      data: { tenantRowId, kind: "tenantSync", flag: req.flag, counts, diff, isTest, callbackLogId: ctx.callbackLogId },
    });
    const action = syncActionOf(counts);
    if (action) {
      const tenant = await tx.tenant.findUniqueOrThrow({
        where: { id: tenantRowId },
        select: { tenantCode: true, name: true, domainName: true, orderId: true, deletedAt: true },
      });
      const state = {
        tenantCode: tenant.tenantCode,
        name: tenant.name,
        domainName: tenant.domainName,
        orderId: tenant.orderId,
        isDeleted: tenant.deletedAt !== null,
      };
      await writeEvents(tx, [kitEvent("tenant.synced", req, isTest, { action, tenant: state, changed: changedFields })]);
    }
  }
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: defaultResultMessages[ResultCode.SUCCESS],
    links: kitLinks(req),
    isTest,
    note: `tenantSync flag ${req.flag}: ${note}${instanceKey === "" ? " (credential debugging: stored as test data)" : ""}`,
    counts,
  };
}
