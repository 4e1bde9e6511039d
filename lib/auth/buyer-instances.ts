// The instances a signed-in buyer may be handed on to: those their enterprise
// is bound to (lib/access/instance-scope.ts), not released, newest first.
import { instanceScope } from "@/lib/access/instance-scope";
import type { BuyerViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";

export type BuyerInstance = { id: string; productId: string | null; state: string; frontEndUrl: string | null; isUsable: boolean };

export async function listBuyerInstances(viewer: BuyerViewer): Promise<BuyerInstance[]> {
  const db = await getDb();
  const scope = await instanceScope(viewer, db);
  const rows = await db.instance.findMany({
    where: { AND: [scope, { state: { not: "RELEASED" } }] },
    orderBy: { createdAt: "desc" },
    select: { id: true, productId: true, state: true, frontEndUrl: true },
  });
  return rows.map((r) => ({ ...r, isUsable: r.state === "ACTIVE" && Boolean(r.frontEndUrl) }));
}
