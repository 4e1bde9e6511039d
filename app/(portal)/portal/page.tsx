// /portal: staff see the overview; a tenant admin goes straight to their organisation.
import Link from "next/link";
import { redirect } from "next/navigation";
import { requirePortalViewer, tenantScope } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";

export const dynamic = "force-dynamic";

export default async function PortalHome() {
  const viewer = await requirePortalViewer();
  const db = await getDb();
  if (viewer.kind === "buyer") {
    const own = await db.tenant.findMany({ where: { ...tenantScope(viewer), deletedAt: null }, select: { id: true }, take: 2, orderBy: { updatedAt: "desc" } });
    redirect(own.length === 1 ? `/portal/tenants/${own[0]!.id}` : "/portal/tenants");
  }
  const [byState, tenants] = await Promise.all([
    db.instance.groupBy({ by: ["state"], where: { isTest: false }, _count: { _all: true } }),
    db.tenant.count({ where: { deletedAt: null, isTest: false } }),
  ]);
  return (
    <main>
      <h1 className="text-2xl font-semibold">Overview</h1>
      <dl className="mt-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
        {(["PROVISIONING", "ACTIVE", "FROZEN", "RELEASED"] as const).map((state) => (
          <div key={state} className="rounded-lg border border-slate-200 bg-white p-4">
            <dt className="text-xs uppercase tracking-wide text-slate-600">{state.toLowerCase()} instances</dt>
            <dd className="mt-1 text-2xl font-semibold">{byState.find((s) => s.state === state)?._count._all ?? 0}</dd>
          </div>
        ))}
        <div className="rounded-lg border border-slate-200 bg-white p-4">
          <dt className="text-xs uppercase tracking-wide text-slate-600">tenants</dt>
          <dd className="mt-1 text-2xl font-semibold">
            <Link href="/portal/tenants" className="hover:underline">
              {tenants}
            </Link>
          </dd>
        </div>
      </dl>
    </main>
  );
}
