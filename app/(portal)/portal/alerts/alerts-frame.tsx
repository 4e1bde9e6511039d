// The frame of the three alerts pages: heading, their tabs, and the
// explanation tenant admins get instead (alerts are the merchant's own).
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { PageTabs } from "@/components/ui/page-tabs";

const TABS = [
  { href: "/portal/alerts", label: "alerts" },
  { href: "/portal/alerts/channels", label: "channels" },
  { href: "/portal/alerts/rules", label: "rules" },
] as const;

export function AlertsFrame({ current, isStaff, children }: { current: (typeof TABS)[number]["href"]; isStaff: boolean; children: ReactNode }) {
  const t = useTranslations("alerts");
  return (
    <main>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {isStaff ? (
        <>
          <PageTabs label={t("tabs.label")} current={current} tabs={TABS.map((tab) => ({ href: tab.href, label: t(`tabs.${tab.label}`) }))} />
          <div className="mt-4">{children}</div>
        </>
      ) : (
        <p role="alert" className="mt-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("staffOnly")}
        </p>
      )}
    </main>
  );
}
