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
