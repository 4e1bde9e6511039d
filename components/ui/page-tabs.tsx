// The tabs under a page heading (alerts: list, channels, rules; events:
// events, endpoints): links, the current one marked for screen readers too.
import Link from "next/link";

const CURRENT = "border-slate-900 font-medium text-slate-900";
const OTHER = "border-transparent text-slate-700 hover:text-slate-900";

export function PageTabs({ label, current, tabs }: { label: string; current: string; tabs: ReadonlyArray<{ href: string; label: string }> }) {
  return (
    <nav aria-label={label} className="mt-3 flex gap-4 border-b border-slate-200 text-sm">
      {tabs.map((tab) => (
        <Link
          key={tab.href}
          href={tab.href}
          aria-current={tab.href === current ? "page" : undefined}
          className={`-mb-px border-b-2 px-1 pb-2 ${tab.href === current ? CURRENT : OTHER}`}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
