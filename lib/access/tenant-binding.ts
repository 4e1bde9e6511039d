// The Tenant↔Instance binding (TenantInstance, ADR 0008): which instance each
// Tenant row was synced for. Written by the Kit syncs when they create a Tenant
// row; read only through lib/access, which is the one place that turns "this
// enterprise" into "these instances" and back.
import type { Db, Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { liveTenantRowsOf } from "@/lib/access/tenant-scope";

/** Most instances one enterprise is read as bound to (a guard against a runaway `IN` list). */
export const MAX_BOUND_INSTANCES = 1000;

/**
 * Binds a new Tenant row to the instance the sync named. Nothing for a
 * credential-debugging row (instanceKey ""). The instance need not exist yet.
 */
export async function bindTenantInstance(tx: Tx, tenantRowId: string, instanceKey: string): Promise<void> {
  if (instanceKey === "") return;
  await tx.tenantInstance.createMany({ data: [{ tenantRowId, instanceId: instanceKey }], skipDuplicates: true });
}

/**
 * The instance ids an enterprise is bound to: through its live Tenant rows
 * (what a tenant admin may open), or through any of its rows, deleted ones
 * included (the staff's tenant filter: which instances the enterprise was bound to).
 */
export async function listBoundInstanceIds(db: Db | Tx, tenantId: string, opts: { includeDeletedTenants?: boolean } = {}): Promise<string[]> {
  const tenant: Prisma.TenantWhereInput = opts.includeDeletedTenants ? { tenantId } : liveTenantRowsOf(tenantId);
  const rows = await db.tenantInstance.findMany({ where: { tenant }, select: { instanceId: true }, take: MAX_BOUND_INSTANCES });
  return [...new Set(rows.map((r) => r.instanceId))];
}

/** The Tenant rows bound to one instance (deleted ones included). */
export function tenantsBoundTo(instanceId: string): Prisma.TenantWhereInput {
  return { instances: { some: { instanceId } } };
}
