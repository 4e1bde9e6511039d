// The instances a signed-in buyer may be handed on to: those their enterprise
// is bound to (Tenant.instanceKey), with a front-end URL, newest first.
import { getDb } from "@/lib/db";
import type { BuyerViewer } from "@/lib/auth/viewer";

export type BuyerInstance = { id: string; productId: string | null; state: string; frontEndUrl: string | null; isUsable: boolean };

export async function listBuyerInstances(viewer: BuyerViewer): Promise<BuyerInstance[]> {
  const db = await getDb();
  const tenants = await db.tenant.findMany({ where: { tenantId: viewer.tenantId, deletedAt: null, instanceKey: { not: "" } }, select: { instanceKey: true } });
  if (tenants.length === 0) return [];
  const rows = await db.instance.findMany({
    where: { id: { in: tenants.map((t) => t.instanceKey) }, state: { not: "RELEASED" } },
    orderBy: { createdAt: "desc" },
    select: { id: true, productId: true, state: true, frontEndUrl: true },
  });
  return rows.map((r) => ({ ...r, isUsable: r.state === "ACTIVE" && Boolean(r.frontEndUrl) }));
}
