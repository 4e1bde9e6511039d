// What both department syncs start with: the tenant row (a placeholder when
// tenantSync has not arrived yet), locked for the rest of the callback's
// transaction. The lock serialises org syncs of one tenant, so the cycle check
// of a move and the diff of a full sync see a tree nobody else is changing.
// FOR NO KEY UPDATE, not FOR UPDATE: it leaves alone the FOR KEY SHARE locks that
// foreign-key checks take, so an authSync inserting grants for this tenant
// meanwhile is not blocked (and cannot deadlock with our orphan-flag update).
import type { Tx } from "@/lib/db";
import { ensureTenantRow, lockTenantRow } from "@/lib/tenants/ensure-tenant";
import { instanceKeyOf, type KitOutcome } from "@/lib/tenants/types";

export type OrgSyncTarget = {
  tenantRowId: string;
  isTest: boolean;
  isTenantDeleted: boolean;
  links: KitOutcome["links"];
};

export async function openOrgSync(tx: Tx, req: { tenantId: string; instanceId: string; testFlag: number }): Promise<OrgSyncTarget> {
  // Credential-debugging syncs have no instance (protocol:kit-interface.md): test data too.
  const isTest = req.testFlag === 1 || req.instanceId === "";
  const tenant = await ensureTenantRow(tx, req.tenantId, instanceKeyOf(req.instanceId), isTest);
  await lockTenantRow(tx, tenant.id);
  return {
    tenantRowId: tenant.id,
    isTest,
    isTenantDeleted: tenant.deletedAt !== null,
    links: { tenantId: req.tenantId, ...(req.instanceId ? { instanceId: req.instanceId } : {}) },
  };
}
