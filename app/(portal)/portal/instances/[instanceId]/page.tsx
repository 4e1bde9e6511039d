// /portal/instances/{id}: one instance (scoped: another enterprise's instance is a 404).
import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { InstanceDetailView } from "./instance-detail";
import { getPortalPageViewer, inScopeOrNotFound } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";
import { requireInstanceInScope } from "@/lib/portal/instance-access";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ instanceId: string }> }): Promise<Metadata> {
  const [{ instanceId }, t] = await Promise.all([params, getTranslations("instances.page")]);
  return { title: t("metaTitle", { id: instanceId.slice(0, 100) }) };
}

export default async function InstancePage({ params }: { params: Promise<{ instanceId: string }> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { instanceId } = await params;
  const id = await inScopeOrNotFound(requireInstanceInScope(viewer, instanceId));
  const t = await getTranslations("instances.page");
  return (
    <main className="space-y-4">
      <nav aria-label={t("breadcrumb")} className="text-sm">
        <Link href="/portal/instances" className="underline underline-offset-2">
          {t("back")}
        </Link>
      </nav>
      <h1 className="text-2xl font-semibold">{t.rich("heading", { id, code: (chunks) => <span className="break-all font-mono text-xl">{chunks}</span> })}</h1>
      <InstanceDetailView instanceId={id} canOperate={hasStaffRole(viewer, "OPERATOR")} isStaff={viewer.kind === "staff"} />
    </main>
  );
}
