// /portal/staff: the merchant's staff accounts (owners): add one with a role, change roles, disable or enable,
// reset a password (shown once), and see who signed in when. Others get a notice.
import { getTranslations } from "next-intl/server";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";
import { StaffView } from "./staff-view";

export const dynamic = "force-dynamic";

export async function generateMetadata() {
  const t = await getTranslations("staff");
  return { title: t("title") };
}

export default async function StaffPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const t = await getTranslations("staff");
  return (
    <main>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {hasStaffRole(viewer, "OWNER") && viewer.kind === "staff" ? (
        <StaffView selfEmail={viewer.email} />
      ) : (
        <p role="alert" className="mt-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("ownersOnly")}
        </p>
      )}
    </main>
  );
}
