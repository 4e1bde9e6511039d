// Tenants for the portal, newest first, paged by keyset on (createdAt, id)
// (index Tenant(createdAt DESC, id)); `scope` (lib/access/tenant-scope.ts)
// limits a tenant admin to their own enterprise.
import { tenantsBoundTo } from "@/lib/access/tenant-binding";
import type { Db } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import type { Prisma } from "@/lib/generated/prisma/client";
import { clampLimit, decodeCursor, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";

const tenantListSelect = {
  id: true,
  tenantId: true,
  tenantCode: true,
  name: true,
  instanceKey: true,
  orderId: true,
  isTest: true,
  deletedAt: true,
  createdAt: true,
  _count: { select: { users: { where: { status: "ACTIVE" } }, departments: true } },
} satisfies Prisma.TenantSelect;

export type TenantListRow = Prisma.TenantGetPayload<{ select: typeof tenantListSelect }>;

export type TenantListFilter = { q?: string; includeDeleted?: boolean; includeTest?: boolean; cursor?: string; limit?: number };

export async function listTenants(db: Db, scope: Prisma.TenantWhereInput, filter: TenantListFilter): Promise<KeysetPage<TenantListRow>> {
  const limit = clampLimit(filter.limit);
  const and: Prisma.TenantWhereInput[] = [scope];
  if (!filter.includeDeleted) and.push({ deletedAt: null });
  if (!filter.includeTest) and.push({ isTest: false });
  const q = filter.q?.trim().slice(0, 100);
  if (q)
    and.push({
      OR: [
        { tenantId: q },
        tenantsBoundTo(q),
        { orderId: q },
        { tenantCode: { contains: q, mode: "insensitive" } },
        { name: { contains: q, mode: "insensitive" } },
      ],
    });
  if (filter.cursor) {
    const [at, id] = decodeCursor(filter.cursor, 2) as [string, string];
    const createdAt = new Date(at);
    if (Number.isNaN(createdAt.getTime())) throw new PortalError("bad_request", "invalid cursor");
    and.push({ OR: [{ createdAt: { lt: createdAt } }, { createdAt, id: { lt: id } }] });
  }
  const rows = await db.tenant.findMany({ where: { AND: and }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1, select: tenantListSelect });
  return toKeysetPage(rows, limit, (r) => [r.createdAt.toISOString(), r.id]);
}
