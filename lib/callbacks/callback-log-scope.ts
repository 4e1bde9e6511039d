// Which callback log rows a portal viewer may read: all of them for staff; for
// a tenant admin the rows of their enterprise (CallbackLog.tenantId is theirs)
// or of an instance their enterprise is bound to (instanceScope). Another
// enterprise's row is "not found", never "forbidden", so its existence does not leak.
import { hasStaffRole, instanceScope, tenantScope, type PortalViewer } from "@/lib/auth/viewer";
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type CallbackLogScope = Prisma.CallbackLogWhereInput;

/**
 * How much of a row the viewer reads: operators and owners everything (they
 * debug signature mismatches); staff viewers signatures as fingerprints;
 * tenant admins also no back-end error text and no staff names (ADR 0006).
 */
export type LogReader = "operator" | "staffViewer" | "tenantAdmin";

/** The log rows, the tenants and instances a log's links may be followed to, and how much of a row is shown. */
export type CallbackViewerScope = { logs: CallbackLogScope; tenants: Prisma.TenantWhereInput; instances: Prisma.InstanceWhereInput; reader: LogReader };

export const ALL_CALLBACKS: CallbackViewerScope = { logs: {}, tenants: {}, instances: {}, reader: "operator" };

export async function callbackViewerScope(db: Db, viewer: PortalViewer): Promise<CallbackViewerScope> {
  if (viewer.kind === "staff") return hasStaffRole(viewer, "OPERATOR") ? ALL_CALLBACKS : { ...ALL_CALLBACKS, reader: "staffViewer" };
  const instances = await instanceScope(viewer);
  const rows = await db.instance.findMany({ where: instances, select: { id: true } });
  const instanceIds = rows.map((i) => i.id);
  // Two indexed equalities, (tenantId, receivedAt) and (instanceId, receivedAt): PostgreSQL ORs their bitmaps.
  const logs: CallbackLogScope = { OR: [{ tenantId: viewer.tenantId }, ...(instanceIds.length > 0 ? [{ instanceId: { in: instanceIds } }] : [])] };
  return { logs, tenants: tenantScope(viewer), instances, reader: "tenantAdmin" };
}

/** Whether the row is inside the scope (one lookup by primary key). */
export async function isCallbackLogInScope(db: Db, scope: CallbackLogScope, logId: string): Promise<boolean> {
  const row = await db.callbackLog.findFirst({ where: { AND: [{ id: logId }, scope] }, select: { id: true } });
  return row !== null;
}
