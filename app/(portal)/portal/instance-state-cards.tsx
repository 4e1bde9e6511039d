// One card per instance state (test data excluded), each linking to the instance list filtered by it.
import { useFormatter, useTranslations } from "next-intl";
import Link from "next/link";
import type { Dashboard } from "@/lib/portal/dashboard";

const STATES = [
  { state: "PROVISIONING", accent: "border-t-amber-600" },
  { state: "ACTIVE", accent: "border-t-emerald-700" },
  { state: "FROZEN", accent: "border-t-sky-700" },
  { state: "RELEASED", accent: "border-t-slate-500" },
] as const;

export function InstanceStateCards({ counts }: { counts: Dashboard["instancesByState"] }) {
  const t = useTranslations("dashboard.instances");
  const format = useFormatter();
  return (
    <section aria-labelledby="instances-heading">
      <h2 id="instances-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <dl className="mt-2 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {STATES.map((s) => (
          <div key={s.state} className={`rounded-lg border border-t-4 border-slate-200 bg-white p-4 ${s.accent}`}>
            <dt className="text-sm text-slate-700">{t(`state.${s.state}`)}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <Link
                href={`/portal/instances?state=${s.state}`}
                className="underline-offset-2 hover:underline"
                aria-label={t("countLabel", { state: t(`state.${s.state}`), count: counts[s.state] })}
              >
                {format.number(counts[s.state])}
              </Link>
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-1 text-xs text-slate-600">{t("testExcluded")}</p>
    </section>
  );
}
