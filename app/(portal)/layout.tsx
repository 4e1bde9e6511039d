// The portal's frame: every page under it is for merchant staff and tenant
// admins. The check here is the real one (proxy.ts only redirects early), and
// each page and API checks its own resource's scope again.
import Link from "next/link";
import { redirect } from "next/navigation";
import { getTranslations } from "next-intl/server";
import type { ReactNode } from "react";
import { PreferencesSwitcher } from "@/components/i18n/preferences-switcher";
import { CenteredCard } from "@/components/ui/card";
import { SessionKeeper } from "@/components/portal/session-keeper";
import { getViewer, hasStaffRole, isPortalViewer } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

const ROLE_KEY = { OWNER: "owner", OPERATOR: "operator", VIEWER: "viewer" } as const;

export default async function PortalLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect("/login");
  const t = await getTranslations("common");
  if (!isPortalViewer(viewer)) {
    return (
      <CenteredCard title={t("notForUsers.title")}>
        <p>{t("notForUsers.body")}</p>
        <p>
          <Link className="underline" href="/sso/continue" prefetch={false}>
            {t("notForUsers.openApp")}
          </Link>
        </p>
      </CenteredCard>
    );
  }
  const role = viewer.kind === "staff" ? t(`nav.role.${ROLE_KEY[viewer.role]}`) : t("nav.tenantAdmin");
  const link = "text-slate-700 hover:text-slate-900";
  return (
    <SessionKeeper>
      <div className="min-h-screen">
        <header className="border-b border-slate-200 bg-white">
          <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-4 px-4 py-3">
            <nav aria-label={t("nav.label")} className="flex flex-wrap items-center gap-6 text-sm">
              <Link href="/portal" className="font-semibold text-slate-900">
                {t("appName")}
              </Link>
              <Link href="/portal/tenants" className={link}>
                {t("nav.tenants")}
              </Link>
              <Link href="/portal/instances" className={link}>
                {t("nav.instances")}
              </Link>
              <Link href="/portal/callbacks" className={link}>
                {t("nav.callbacks")}
              </Link>
              <Link href="/portal/events" className={link}>
                {t("nav.events")}
              </Link>
              {viewer.kind === "staff" ? (
                <Link href="/portal/settings" className={link}>
                  {t("nav.settings")}
                </Link>
              ) : null}
              {hasStaffRole(viewer, "OWNER") ? (
                <Link href="/portal/staff" className={link}>
                  {t("nav.staff")}
                </Link>
              ) : null}
              {viewer.kind === "staff" ? (
                <Link href="/portal/alerts" className={link}>
                  {t("nav.alerts")}
                </Link>
              ) : null}
              {viewer.kind === "buyer" || hasStaffRole(viewer, "OPERATOR") ? (
                <Link href="/portal/audit" className={link}>
                  {t("nav.audit")}
                </Link>
              ) : null}
            </nav>
            <div className="flex flex-wrap items-center gap-3 text-sm text-slate-700">
              <PreferencesSwitcher />
              <span>
                {viewer.name} <span className="rounded bg-slate-100 px-2 py-0.5 text-xs text-slate-700">{role}</span>
              </span>
              <Link href="/logout" className="underline" prefetch={false}>
                {t("nav.signOut")}
              </Link>
            </div>
          </div>
        </header>
        <div className="mx-auto max-w-7xl px-4 py-6">{children}</div>
      </div>
    </SessionKeeper>
  );
}
