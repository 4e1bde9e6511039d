// The frame of the three alerts pages: heading, their tabs, and the
// explanation tenant admins get instead (alerts are the merchant's own).
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";

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
