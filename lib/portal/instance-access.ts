// An instance the viewer may read, or 404: another enterprise's instance is
// "not found", never "forbidden", so its existence does not leak.
import { instanceScope } from "@/lib/access/instance-scope";
import type { PortalViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";

export async function requireInstanceInScope(viewer: PortalViewer, instanceId: string): Promise<string> {
  const db = await getDb();
  const row = await db.instance.findFirst({ where: { AND: [{ id: instanceId }, await instanceScope(viewer)] }, select: { id: true } });
  if (!row) throw new PortalError("not_found", "no such instance");
  return row.id;
}
