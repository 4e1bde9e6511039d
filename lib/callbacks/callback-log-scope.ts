// What a portal viewer reads of the callback log: which rows, which tenants and
// instances a row's links may be followed to (all from lib/access), and how
// much of a row is shown.
import { callbackLogScope } from "@/lib/access/callback-log-scope";
import { instanceScope } from "@/lib/access/instance-scope";
import { tenantScope } from "@/lib/access/tenant-scope";
import { hasStaffRole, type PortalViewer } from "@/lib/auth/viewer";
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
  const instances = await instanceScope(viewer, db);
  return { logs: await callbackLogScope(db, viewer, instances), tenants: tenantScope(viewer), instances, reader: "tenantAdmin" };
}

/** Whether the row is inside the scope (one lookup by primary key). */
export async function isCallbackLogInScope(db: Db, scope: CallbackLogScope, logId: string): Promise<boolean> {
  const row = await db.callbackLog.findFirst({ where: { AND: [{ id: logId }, scope] }, select: { id: true } });
  return row !== null;
}
