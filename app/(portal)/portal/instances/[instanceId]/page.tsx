// /portal/instances/{id}: one instance (scoped: another enterprise's instance is a 404).
import Link from "next/link";
import { InstanceDetailView } from "./instance-detail";
import { getPortalPageViewer, inScopeOrNotFound } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";
import { requireInstanceInScope } from "@/lib/portal/instance-access";

export const dynamic = "force-dynamic";

export default async function InstancePage({ params }: { params: Promise<{ instanceId: string }> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { instanceId } = await params;
  const id = await inScopeOrNotFound(requireInstanceInScope(viewer, instanceId));
  return (
    <main className="space-y-4">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/portal/instances" className="underline underline-offset-2">
          Instances
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold">
        Instance <span className="break-all font-mono text-xl">{id}</span>
      </h1>
      <InstanceDetailView instanceId={id} canOperate={hasStaffRole(viewer, "OPERATOR")} isStaff={viewer.kind === "staff"} />
    </main>
  );
}
