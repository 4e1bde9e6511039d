// Which callback log rows a viewer may read: all of them for staff; for a
// buyer the rows of their enterprise (CallbackLog.tenantId is theirs) or of an
// instance in their scope that exists (instance-scope.ts). Another
// enterprise's row is "not found", never "forbidden", so its existence does not leak.
import type { Viewer } from "@/lib/auth/viewer";
import type { Db, Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { instanceScope } from "@/lib/access/instance-scope";

export async function callbackLogScope(db: Db | Tx, viewer: Viewer, instances?: Prisma.InstanceWhereInput): Promise<Prisma.CallbackLogWhereInput> {
  if (viewer.kind === "staff") return {};
  const rows = await db.instance.findMany({ where: instances ?? (await instanceScope(viewer, db)), select: { id: true } });
  const instanceIds = rows.map((i) => i.id);
  // Two indexed equalities, (tenantId, receivedAt) and (instanceId, receivedAt): PostgreSQL ORs their bitmaps.
  return { OR: [{ tenantId: viewer.tenantId }, ...(instanceIds.length > 0 ? [{ instanceId: { in: instanceIds } }] : [])] };
}
