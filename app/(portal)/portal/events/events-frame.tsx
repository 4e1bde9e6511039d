// The frame of the events pages: heading and, for staff, the tabs between the
// events and the endpoints they go to (tenant admins see their events only).
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { PageTabs } from "@/components/ui/page-tabs";

const TABS = [
  { href: "/portal/events", label: "events" },
  { href: "/portal/webhooks", label: "endpoints" },
] as const;

export function EventsFrame({ current, isStaff, children }: { current: (typeof TABS)[number]["href"]; isStaff: boolean; children: ReactNode }) {
  const t = useTranslations("events");
  return (
    <main>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {isStaff ? <PageTabs label={t("tabs.label")} current={current} tabs={TABS.map((tab) => ({ href: tab.href, label: t(`tabs.${tab.label}`) }))} /> : null}
      <div className="mt-4">{children}</div>
    </main>
  );
}
