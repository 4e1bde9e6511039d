// A tenant's grants for the portal, filtered and paged by keyset on
// (userName, id): stable under inserts, no OFFSET scans on large tenants.
import type { Db, Tx } from "@/lib/db";
import type { GrantStatus, Prisma } from "@/lib/generated/prisma/client";
import { clampLimit, decodeCursor, toKeysetPage, type KeysetPage } from "@/lib/tenants/page-cursor";

export type TenantUserFilter = {
  /** Part of the userName, name or employee code (case-insensitive). */
  q?: string;
  role?: "user" | "admin";
  status?: GrantStatus;
  isEnabled?: boolean;
  cursor?: string;
  limit: number;
};

const userSelect = {
  id: true,
  appId: true,
  userName: true,
  name: true,
  orgCode: true,
  position: true,
  employeeCode: true,
  employeeType: true,
  role: true,
  isEnabled: true,
  mobile: true,
  email: true,
  workPlace: true,
  entryDate: true,
  status: true,
  isOrphaned: true,
  isTest: true,
  lastSyncAt: true,
  createdAt: true,
  updatedAt: true,
} satisfies Prisma.TenantUserSelect;

export type TenantUserRow = Prisma.TenantUserGetPayload<{ select: typeof userSelect }>;

export async function listTenantUsers(db: Db | Tx, tenantRowId: string, filter: TenantUserFilter): Promise<KeysetPage<TenantUserRow>> {
  const limit = clampLimit(filter.limit);
  const q = filter.q?.trim();
  const and: Prisma.TenantUserWhereInput[] = [{ tenantRowId }];
  if (q) {
    and.push({
      OR: [
        { userName: { contains: q, mode: "insensitive" } },
        { name: { contains: q, mode: "insensitive" } },
        { employeeCode: { contains: q, mode: "insensitive" } },
      ],
    });
  }
  if (filter.role) and.push({ role: filter.role });
  if (filter.status) and.push({ status: filter.status });
  if (filter.isEnabled !== undefined) and.push({ isEnabled: filter.isEnabled });
  if (filter.cursor) {
    const [userName, id] = decodeCursor(filter.cursor, 2) as [string, string];
    and.push({ OR: [{ userName: { gt: userName } }, { userName, id: { gt: id } }] });
  }
  const rows = await db.tenantUser.findMany({
    where: { AND: and },
    orderBy: [{ userName: "asc" }, { id: "asc" }],
    take: limit + 1,
    select: userSelect,
  });
  return toKeysetPage(rows, limit, (r) => [r.userName, r.id]);
}
