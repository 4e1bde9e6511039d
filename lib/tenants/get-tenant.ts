// One tenant for the portal: its fields, its app credentials (whether a client
// secret is stored and how it was decrypted, never the secret) and counts of
// grants by status and of departments.
import type { Db, Tx } from "@/lib/db";
import type { GrantStatus, Prisma } from "@/lib/generated/prisma/client";

export type TenantAppSummary = {
  appId: string;
  clientId: string;
  hasClientSecret: boolean;
  oaepVariant: string | null;
  isTest: boolean;
  deletedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
};

const tenantDetailSelect = {
  id: true,
  tenantId: true,
  instanceKey: true,
  orderId: true,
  tenantCode: true,
  name: true,
  domainName: true,
  isTest: true,
  deletedAt: true,
  createdAt: true,
  updatedAt: true,
  apps: {
    // The sealed secret never leaves the database: only whether there is one.
    select: { appId: true, clientId: true, clientSecretEnc: true, oaepVariant: true, isTest: true, deletedAt: true, createdAt: true, updatedAt: true },
    orderBy: { appId: "asc" },
  },
} satisfies Prisma.TenantSelect;

export type TenantDetail = Omit<Prisma.TenantGetPayload<{ select: typeof tenantDetailSelect }>, "apps"> & {
  apps: TenantAppSummary[];
  counts: {
    users: Record<GrantStatus, number>;
    /** Active grants whose department is not in the tree. */
    orphanedUsers: number;
    departments: number;
  };
};

export async function getTenant(db: Db | Tx, tenantRowId: string): Promise<TenantDetail | null> {
  const [tenant, byStatus, orphanedUsers, departments] = await Promise.all([
    db.tenant.findUnique({ where: { id: tenantRowId }, select: tenantDetailSelect }),
    db.tenantUser.groupBy({ by: ["status"], where: { tenantRowId }, _count: { _all: true } }),
    db.tenantUser.count({ where: { tenantRowId, status: "ACTIVE", isOrphaned: true } }),
    db.department.count({ where: { tenantRowId } }),
  ]);
  if (!tenant) return null;
  const users: Record<GrantStatus, number> = { ACTIVE: 0, REVOKED: 0, DELETED: 0 };
  for (const row of byStatus) users[row.status] = row._count._all;
  const apps = tenant.apps.map(({ clientSecretEnc, ...app }) => ({ ...app, hasClientSecret: clientSecretEnc !== null }));
  return { ...tenant, apps, counts: { users, orphanedUsers, departments } };
}
