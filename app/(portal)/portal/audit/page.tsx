// /portal/audit: the audit trail (operators and owners: everything; a tenant admin: their enterprise's sign-ins
// and what the merchant did to their instances), filtered by kind, action, outcome, who, subject and days in
// the viewer's zone, a page at a time, and as CSV. Viewers get a notice.
import type { Metadata } from "next";
import { getTimeZone, getTranslations } from "next-intl/server";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";
import { AuditList } from "./audit-list";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("audit.meta");
  return { title: t("title") };
}

export default async function AuditPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const [t, zone] = await Promise.all([getTranslations("audit"), getTimeZone()]);
  const isStaff = viewer.kind === "staff";
  const mayRead = !isStaff || hasStaffRole(viewer, "OPERATOR");
  return (
    <main className="space-y-4">
      <h1 className="text-2xl font-semibold">{t("heading")}</h1>
      {mayRead ? (
        <>
          <p className="max-w-4xl text-sm text-slate-700">{isStaff ? t("intro", { zone }) : t("introTenant", { zone })}</p>
          <AuditList isStaff={isStaff} />
        </>
      ) : (
        <p role="alert" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("operatorsOnly")}
        </p>
      )}
    </main>
  );
}
