// The frame of the three alerts pages: heading, their tabs, and the
// explanation tenant admins get instead (alerts are the merchant's own).
import Link from "next/link";
import type { ReactNode } from "react";

const TABS = [
  { href: "/portal/alerts", label: "Alerts" },
  { href: "/portal/alerts/channels", label: "Channels" },
  { href: "/portal/alerts/rules", label: "Rules" },
] as const;

export function AlertsFrame({ current, isStaff, children }: { current: (typeof TABS)[number]["href"]; isStaff: boolean; children: ReactNode }) {
  return (
    <main>
      <h1 className="text-2xl font-semibold">Alerts to staff</h1>
      {isStaff ? (
        <>
          <nav aria-label="Alerts" className="mt-3 flex gap-4 border-b border-slate-200 text-sm">
            {TABS.map((t) => (
              <Link
                key={t.href}
                href={t.href}
                aria-current={t.href === current ? "page" : undefined}
                className={`-mb-px border-b-2 px-1 pb-2 ${t.href === current ? "border-slate-900 font-medium text-slate-900" : "border-transparent text-slate-700 hover:text-slate-900"}`}
              >
                {t.label}
              </Link>
            ))}
          </nav>
          <div className="mt-4">{children}</div>
        </>
      ) : (
        <p role="alert" className="mt-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Alerts are for the merchant&apos;s staff.
        </p>
      )}
    </main>
  );
}
