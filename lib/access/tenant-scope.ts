// Which Tenant rows, and the grants, departments and sync history under them, a
// viewer may read: all of them for staff; for a buyer (a tenant admin in the
// portal) the rows of their own enterprise, deleted ones included (the tenant
// list hides those unless asked). One enterprise (tenantId) has one Tenant row
// per instance it is bound to (the Kit's "multi-instance binding").
// Everything the portal reads about tenants is scoped here (ADR 0008).
import type { Viewer } from "@/lib/auth/viewer";
import type { Prisma } from "@/lib/generated/prisma/client";

/** The live (not deleted) Tenant rows of an enterprise: who may sign in, and which instances they reach. */
export function liveTenantRowsOf(tenantId: string): Prisma.TenantWhereInput {
  return { tenantId, deletedAt: null };
}

/** The Tenant rows a viewer may read. */
export function tenantScope(viewer: Viewer): Prisma.TenantWhereInput {
  return viewer.kind === "staff" ? {} : { tenantId: viewer.tenantId };
}

/** One Tenant row, if the viewer may read it (another enterprise's row is simply not found). */
export function tenantRowScope(viewer: Viewer, tenantRowId: string): Prisma.TenantWhereInput {
  return { AND: [{ id: tenantRowId }, tenantScope(viewer)] };
}

/** The grants (TenantUser) a viewer may read: those of the Tenant rows in scope. */
export function tenantUserScope(viewer: Viewer): Prisma.TenantUserWhereInput {
  return viewer.kind === "staff" ? {} : { tenant: tenantScope(viewer) };
}

/** The departments a viewer may read. */
export function departmentScope(viewer: Viewer): Prisma.DepartmentWhereInput {
  return viewer.kind === "staff" ? {} : { tenant: tenantScope(viewer) };
}

/** The Kit sync history (SyncEvent) a viewer may read. */
export function syncEventScope(viewer: Viewer): Prisma.SyncEventWhereInput {
  return viewer.kind === "staff" ? {} : { tenant: tenantScope(viewer) };
}
