// The tenant row a sync applies to. Syncs fired together (tenant, application,
// full org) may arrive in any order, so a sync for a tenant we have not seen
// yet creates a placeholder that tenantSync fills in later.
import type { Tx } from "@/lib/db";

export type TenantRef = { id: string; deletedAt: Date | null };

export async function ensureTenantRow(tx: Tx, tenantId: string, instanceKey: string, isTest: boolean): Promise<TenantRef> {
  await tx.tenant.createMany({
    data: [{ tenantId, instanceKey, tenantCode: "", name: "", domainName: "", isTest }],
    skipDuplicates: true,
  });
  return tx.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId, instanceKey } }, select: { id: true, deletedAt: true } });
}

export async function findTenantRow(tx: Tx, tenantId: string, instanceKey: string): Promise<TenantRef | null> {
  return tx.tenant.findUnique({ where: { tenantId_instanceKey: { tenantId, instanceKey } }, select: { id: true, deletedAt: true } });
}

/**
 * Serialises the Kit syncs of one tenant for the rest of the transaction (the
 * org syncs take the same lock in lib/org/open-org-sync.ts): grants and the
 * tree they are checked against change one sync at a time. FOR NO KEY UPDATE
 * leaves foreign-key checks (FOR KEY SHARE) unblocked.
 */
export async function lockTenantRow(tx: Tx, tenantRowId: string): Promise<void> {
  await tx.$queryRawUnsafe(`SELECT id FROM "Tenant" WHERE id = $1 FOR NO KEY UPDATE`, tenantRowId);
}
