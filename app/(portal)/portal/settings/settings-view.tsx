"use client";
// The settings page's body: seller-center addresses with copy buttons, which
// keys are configured, and job health refreshed every 30 s.
import { useQuery } from "@tanstack/react-query";
import { Badge } from "@/components/ui/badge";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { formatDuration, formatTimeUtc } from "@/components/portal/format";
import { QueryState } from "@/components/portal/query-state";
import { CopyButton } from "./copy-button";
import { TableHead } from "@/components/ui/table-head";

const card = "rounded-lg border border-slate-200 bg-white p-4";

export function SettingsView() {
  const query = useQuery(dashboardQueries.settings());
  const s = query.data;
  if (!s) return <QueryState query={query} isEmpty empty="No settings yet." />;
  const jobs = s.jobs;
  return (
    <div className="space-y-6">
      {query.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          Could not refresh: {query.error.message}
        </p>
      ) : null}

      <section aria-labelledby="urls-heading" className={card}>
        <h2 id="urls-heading" className="text-lg font-semibold">
          Addresses for the seller center
        </h2>
        {s.warnings.map((w) => (
          <p key={w} className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {w}
          </p>
        ))}
        <dl className="mt-3 space-y-3 text-sm">
          {s.urls.map((u) => (
            <div key={u.id}>
              <dt className="font-medium">{u.label}</dt>
              <dd className="mt-1 flex flex-wrap items-center gap-2">
                <code className="break-all rounded bg-slate-100 px-2 py-1 text-xs text-slate-900">{u.url}</code>
                <CopyButton value={u.url} label={u.label} />
              </dd>
              <dd className="mt-1 text-xs text-slate-600">{u.hint}</dd>
              {u.id === "kit-base" ? (
                <dd className="mt-1 text-xs text-slate-700">
                  KooGallery appends <code>{s.kitSubPaths.v2.join(", ")}</code> (V2) or <code>{s.kitSubPaths.v1.join(", ")}</code> (V1).
                </dd>
              ) : null}
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="keys-heading" className={card}>
        <h2 id="keys-heading" className="text-lg font-semibold">
          Keys
        </h2>
        <p className="mt-1 text-sm text-slate-700">Whether each key came from the environment. Values are never shown.</p>
        <table className="mt-3 w-full border-collapse text-sm">
          <TableHead columns={["Key", "Variable", "Status"]} />
          <tbody>
            {s.keys.map((k) => (
              <tr key={k.id} className="border-t border-slate-100">
                <td className="px-3 py-2">{k.label}</td>
                <td className="px-3 py-2 font-mono text-xs">{k.variables.join(" + ")}</td>
                <td className="px-3 py-2">
                  {k.isConfigured ? <Badge tone="good">configured</Badge> : <Badge tone="warn">not set</Badge>}
                  {k.isConfigured ? null : <span className="ml-2 text-xs text-slate-700">{k.whenMissing}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="jobs-heading" className={card}>
        <h2 id="jobs-heading" className="text-lg font-semibold">
          Background jobs
        </h2>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">Worker (this app instance)</dt>
          <dd>
            {jobs.worker.isRunning ? (
              <Badge tone="good">running</Badge>
            ) : (
              <Badge tone="bad">{jobs.worker.isDisabled ? "disabled (JOBS_DISABLED)" : "not running"}</Badge>
            )}
            {jobs.worker.lastPollAt ? <span className="ml-2 text-slate-700">last poll {formatTimeUtc(jobs.worker.lastPollAt)}</span> : null}
            {jobs.worker.lastError ? <div className="text-xs text-red-800">{jobs.worker.lastError}</div> : null}
          </dd>
          <dt className="font-medium">Oldest pending job</dt>
          <dd>
            {jobs.oldestPending
              ? `${jobs.oldestPending.kind}, waiting ${formatDuration(jobs.oldestPending.ageMs)} (${jobs.oldestPending.attempts} attempts, next run ` +
                `${formatTimeUtc(jobs.oldestPending.runAt)})`
              : "none"}
          </dd>
        </dl>
        <h3 className="mt-4 font-medium">Jobs by status and kind</h3>
        {jobs.counts.length === 0 ? (
          <p className="mt-1 text-sm text-slate-700">No pending, running or dead jobs, and none finished in the last 24 hours.</p>
        ) : (
          <table className="mt-2 w-full max-w-xl border-collapse text-sm">
            <TableHead columns={["Status", "Kind", { label: "Jobs", align: "right" }]} />
            <tbody>
              {jobs.counts.map((c) => (
                <tr key={`${c.status}/${c.kind}`} className="border-t border-slate-100">
                  <td className="px-3 py-2">{c.status === "DONE" ? "DONE (last 24 h)" : c.status}</td>
                  <td className="px-3 py-2">{c.kind}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{c.count.toLocaleString("en")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3 className="mt-4 font-medium">Recent jobs that gave up (DEAD)</h3>
        {jobs.recentDead.length === 0 ? (
          <p className="mt-1 text-sm text-slate-700">None.</p>
        ) : (
          <ul className="mt-1 divide-y divide-slate-100 text-sm">
            {jobs.recentDead.map((j) => (
              <li key={j.id} className="py-2">
                <span className="font-medium">{j.kind}</span>{" "}
                <span className="text-slate-700">
                  after {j.attempts} attempts, {formatTimeUtc(j.failedAt)}
                </span>
                {j.error ? <div className="break-words text-xs text-red-800">{j.error}</div> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
