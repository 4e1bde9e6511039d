// Which callback log rows a portal viewer may read: all of them for staff; for
// a tenant admin the rows of their enterprise (CallbackLog.tenantId is theirs)
// or of an instance their enterprise is bound to (instanceScope). Another
// enterprise's row is "not found", never "forbidden", so its existence does not leak.
import { instanceScope, tenantScope, type PortalViewer } from "@/lib/auth/viewer";
import type { Db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

export type CallbackLogScope = Prisma.CallbackLogWhereInput;

/** The log rows, and the tenants and instances a log's links may be followed to. */
export type CallbackViewerScope = { logs: CallbackLogScope; tenants: Prisma.TenantWhereInput; instances: Prisma.InstanceWhereInput };

export const ALL_CALLBACKS: CallbackViewerScope = { logs: {}, tenants: {}, instances: {} };

export async function callbackViewerScope(db: Db, viewer: PortalViewer): Promise<CallbackViewerScope> {
  if (viewer.kind === "staff") return ALL_CALLBACKS;
  const instances = await instanceScope(viewer);
  const rows = await db.instance.findMany({ where: instances, select: { id: true } });
  const instanceIds = rows.map((i) => i.id);
  // Two indexed equalities, (tenantId, receivedAt) and (instanceId, receivedAt): PostgreSQL ORs their bitmaps.
  const logs: CallbackLogScope = { OR: [{ tenantId: viewer.tenantId }, ...(instanceIds.length > 0 ? [{ instanceId: { in: instanceIds } }] : [])] };
  return { logs, tenants: tenantScope(viewer), instances };
}

/** Whether the row is inside the scope (one lookup by primary key). */
export async function isCallbackLogInScope(db: Db, scope: CallbackLogScope, logId: string): Promise<boolean> {
  const row = await db.callbackLog.findFirst({ where: { AND: [{ id: logId }, scope] }, select: { id: true } });
  return row !== null;
}
