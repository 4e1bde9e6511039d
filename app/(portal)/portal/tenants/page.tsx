// /portal/tenants: every tenant for staff; a tenant admin sees their own enterprise's rows.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { TenantList } from "./tenant-list";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("tenants");
  return { title: t("title") };
}

export default async function TenantsPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const t = await getTranslations("tenants");
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">{t("title")}</h1>
      <TenantList isStaff={viewer.kind === "staff"} />
    </main>
  );
}
