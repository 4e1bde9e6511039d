// The frame of the events pages: heading and, for staff, the tabs between the
// events and the endpoints they go to (tenant admins see their events only).
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

const TABS = [
  { href: "/portal/events", label: "events" },
  { href: "/portal/webhooks", label: "endpoints" },
] as const;

export function EventsFrame({ current, isStaff, children }: { current: (typeof TABS)[number]["href"]; isStaff: boolean; children: ReactNode }) {
  const t = useTranslations("events");
  return (
    <main>
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {isStaff ? (
        <nav aria-label={t("tabs.label")} className="mt-3 flex gap-4 border-b border-slate-200 text-sm">
          {TABS.map((tab) => (
            <Link
              key={tab.href}
              href={tab.href}
              aria-current={tab.href === current ? "page" : undefined}
              className={`-mb-px border-b-2 px-1 pb-2 ${tab.href === current ? "border-slate-900 font-medium text-slate-900" : "border-transparent text-slate-700 hover:text-slate-900"}`}
            >
              {t(`tabs.${tab.label}`)}
            </Link>
          ))}
        </nav>
      ) : null}
      <div className="mt-4">{children}</div>
    </main>
  );
}
