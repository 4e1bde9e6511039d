// A tenant row the viewer may read, or 404: another enterprise's tenant is
// "not found", never "forbidden", so its existence does not leak.
import { tenantScope } from "@/lib/access/tenant-scope";
import type { PortalViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";

export async function requireTenantRow(viewer: PortalViewer, tenantRowId: string): Promise<string> {
  const db = await getDb();
  const row = await db.tenant.findFirst({ where: { AND: [{ id: tenantRowId }, tenantScope(viewer)] }, select: { id: true } });
  if (!row) throw new PortalError("not_found", "no such tenant");
  return row.id;
}
