// The tenant row a sync applies to. Syncs fired together (tenant, application,
// full org) may arrive in any order, so a sync for a tenant we have not seen
// yet creates a placeholder that tenantSync fills in later. A new row is bound
// to the sync's instance in the same transaction (TenantInstance, ADR 0008).
import { lockRow } from "@/lib/sql/lock-rows";
import { bindTenantInstance } from "@/lib/access/tenant-binding";
import type { Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type TenantRef = { id: string; deletedAt: Date | null };

type NewTenantFields = Pick<Prisma.TenantCreateManyInput, "tenantCode" | "name" | "domainName" | "orderId" | "isTest">;

/**
 * Insert-or-nothing on the Kit's key (tenantId, instanceKey), so two syncs
 * racing for a new tenant cannot both create it; then the row either way.
 * `isCreated`: this call made it (and bound it to its instance).
 */
export async function createTenantRow(tx: Tx, tenantId: string, instanceKey: string, fields: NewTenantFields): Promise<TenantRef & { isCreated: boolean }> {
  const created = await tx.tenant.createMany({ data: [{ tenantId, instanceKey, ...fields }], skipDuplicates: true });
  const row = await tx.tenant.findUniqueOrThrow({ where: { tenantId_instanceKey: { tenantId, instanceKey } }, select: { id: true, deletedAt: true } });
  const isCreated = created.count === 1;
  if (isCreated) await bindTenantInstance(tx, row.id, instanceKey);
  return { ...row, isCreated };
}

export async function ensureTenantRow(tx: Tx, tenantId: string, instanceKey: string, isTest: boolean): Promise<TenantRef> {
  const { id, deletedAt } = await createTenantRow(tx, tenantId, instanceKey, { tenantCode: "", name: "", domainName: "", isTest });
  return { id, deletedAt };
}

export async function findTenantRow(tx: Tx, tenantId: string, instanceKey: string): Promise<TenantRef | null> {
  return tx.tenant.findUnique({ where: { tenantId_instanceKey: { tenantId, instanceKey } }, select: { id: true, deletedAt: true } });
}

/**
 * Serialises the Kit syncs of one tenant for the rest of the transaction (the
 * tenant, application, grant and org syncs all take it): grants and the tree
 * they are checked against change one sync at a time. FOR NO KEY UPDATE leaves
 * foreign-key checks (FOR KEY SHARE) unblocked, so an authSync inserting grants
 * meanwhile is not blocked (and cannot deadlock with an orphan-flag update).
 */
export async function lockTenantRow(tx: Tx, tenantRowId: string): Promise<void> {
  await lockRow(tx, "Tenant", tenantRowId, { strength: "NO KEY UPDATE" });
}
