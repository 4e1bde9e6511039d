// One card per instance state (test data excluded), each linking to the instance list filtered by it.
import Link from "next/link";
import type { Dashboard } from "@/lib/portal/dashboard";

const STATES = [
  { state: "PROVISIONING", label: "Provisioning", accent: "border-t-amber-600" },
  { state: "ACTIVE", label: "Active", accent: "border-t-emerald-700" },
  { state: "FROZEN", label: "Frozen", accent: "border-t-sky-700" },
  { state: "RELEASED", label: "Released", accent: "border-t-slate-500" },
] as const;

export function InstanceStateCards({ counts }: { counts: Dashboard["instancesByState"] }) {
  return (
    <section aria-labelledby="instances-heading">
      <h2 id="instances-heading" className="text-lg font-semibold">
        Instances
      </h2>
      <dl className="mt-2 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        {STATES.map((s) => (
          <div key={s.state} className={`rounded-lg border border-t-4 border-slate-200 bg-white p-4 ${s.accent}`}>
            <dt className="text-sm text-slate-700">{s.label}</dt>
            <dd className="mt-1 text-2xl font-semibold tabular-nums">
              <Link
                href={`/portal/instances?state=${s.state}`}
                className="underline-offset-2 hover:underline"
                aria-label={`${counts[s.state]} ${s.label.toLowerCase()} instances`}
              >
                {counts[s.state].toLocaleString("en")}
              </Link>
            </dd>
          </div>
        ))}
      </dl>
      <p className="mt-1 text-xs text-slate-600">Test requests from the seller center are not counted.</p>
    </section>
  );
}
