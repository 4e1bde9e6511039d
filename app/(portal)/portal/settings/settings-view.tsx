"use client";
// The settings page's body: seller-center addresses with copy buttons, which
// keys are configured, and job health refreshed every 30 s. Addresses and keys
// are listed in the order the seller center asks for them, each with the
// seller-center menu where it goes; their labels come from the catalogs by id
// (the server's own texts only for an id this page does not know).
import { useQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { Badge } from "@/components/ui/badge";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { QueryState } from "@/components/portal/query-state";
import { CopyButton } from "./copy-button";
import { TableHead } from "@/components/ui/table-head";
import { useDuration } from "@/app/(portal)/portal/failing-orders";
import type { ConfiguredKey, Settings, SettingsUrl } from "@/lib/portal/settings";

const card = "rounded-lg border border-slate-200 bg-white p-4";

/** The seller center's order: production address, (keys), interface debugging, the Kit, the app credential; then what is not for it. */
const URL_ORDER = ["production-domain", "production", "kit-base", "login", "jwks"];
/** Keys by the same order: 密钥管理 per interface type, the app credential's RSA key, then what is not entered in the seller center. */
const KEY_ORDER: ConfiguredKey["id"][] = ["accessKey", "kitAccessKey", "licenseCodeAccessKey", "rsaPrivateKey", "aksk", "encryptionKey"];

function inOrder<T>(items: T[], order: readonly string[], idOf: (item: T) => string): T[] {
  const rank = (item: T) => {
    const i = order.indexOf(idOf(item));
    return i === -1 ? order.length : i;
  };
  return [...items].sort((a, b) => rank(a) - rank(b));
}

function useUrlText(): (u: SettingsUrl, ssoMethod: Settings["ssoMethod"]) => { label: string; where: string } {
  const t = useTranslations("settings.addresses");
  return (u, ssoMethod) => {
    switch (u.id) {
      case "production-domain":
        return { label: t("productionDomain.label"), where: t("productionDomain.where") };
      case "production":
        return { label: t("production.label"), where: t("production.where") };
      case "kit-base":
        return { label: t("kitBase.label"), where: t("kitBase.where") };
      case "login":
        return ssoMethod === "cas"
          ? { label: t("login.labelCas"), where: t("login.whereCas") }
          : { label: t("login.labelOauth"), where: t("login.whereOauth") };
      case "jwks":
        return { label: t("jwks.label"), where: t("jwks.where") };
      default:
        return { label: u.label, where: u.hint };
    }
  };
}

function useWarningText(): (warning: string) => string {
  const t = useTranslations("settings.addresses.warnings");
  return (w) => (w.startsWith("PORTAL_PUBLIC_URL") ? t("localhost") : w.includes("HTTPS") ? t("notHttps") : w);
}

export function SettingsView() {
  const t = useTranslations("settings");
  const format = useFormatter();
  const { time } = useTimeFormat();
  const duration = useDuration();
  const urlText = useUrlText();
  const warningText = useWarningText();
  const query = useQuery(dashboardQueries.settings());
  const s = query.data;
  if (!s) return <QueryState query={query} isEmpty empty={t("empty")} />;
  const jobs = s.jobs;
  return (
    <div className="space-y-6">
      {query.isError ? (
        <p role="alert" className="rounded bg-red-50 px-3 py-2 text-sm text-red-800">
          {t("refreshFailed", { error: query.error.message })}
        </p>
      ) : null}

      <section aria-labelledby="urls-heading" className={card}>
        <h2 id="urls-heading" className="text-lg font-semibold">
          {t("addresses.heading")}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t("addresses.intro")}</p>
        {s.warnings.map((w) => (
          <p key={w} className="mt-2 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
            {warningText(w)}
          </p>
        ))}
        <dl className="mt-3 space-y-3 text-sm">
          {inOrder(s.urls, URL_ORDER, (u) => u.id).map((u) => {
            const text = urlText(u, s.ssoMethod);
            return (
              <div key={u.id}>
                <dt className="font-medium">{text.label}</dt>
                <dd className="mt-1 flex flex-wrap items-center gap-2">
                  <code className="break-all rounded bg-slate-100 px-2 py-1 text-xs text-slate-900">{u.url}</code>
                  <CopyButton value={u.url} label={text.label} />
                </dd>
                <dd className="mt-1 text-xs text-slate-600">{text.where}</dd>
                {u.id === "kit-base" ? (
                  <dd className="mt-1 text-xs text-slate-700">
                    {t.rich("addresses.kitBase.subPaths", {
                      v2: s.kitSubPaths.v2.join(", "),
                      v1: s.kitSubPaths.v1.join(", "),
                      code: (chunks) => <code>{chunks}</code>,
                    })}
                  </dd>
                ) : null}
              </div>
            );
          })}
        </dl>
      </section>

      <section aria-labelledby="keys-heading" className={card}>
        <h2 id="keys-heading" className="text-lg font-semibold">
          {t("keys.heading")}
        </h2>
        <p className="mt-1 text-sm text-slate-700">{t("keys.intro")}</p>
        <div className="mt-3 overflow-x-auto">
          <table className="w-full border-collapse text-sm">
            <TableHead columns={[t("keys.columns.key"), t("keys.columns.where"), t("keys.columns.variable"), t("keys.columns.status")]} />
            <tbody>
              {inOrder(s.keys, KEY_ORDER, (k) => k.id).map((k) => (
                <tr key={k.id} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">{t(`keys.${k.id}.label`)}</td>
                  <td className="px-3 py-2 text-xs text-slate-700">{t(`keys.${k.id}.where`)}</td>
                  <td className="px-3 py-2 font-mono text-xs">{k.variables.join(" + ")}</td>
                  <td className="px-3 py-2">
                    {k.isConfigured ? <Badge tone="good">{t("keys.configured")}</Badge> : <Badge tone="warn">{t("keys.notSet")}</Badge>}
                    {k.isConfigured ? null : <div className="mt-1 text-xs text-slate-700">{t(`keys.${k.id}.whenMissing`)}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="jobs-heading" className={card}>
        <h2 id="jobs-heading" className="text-lg font-semibold">
          {t("jobs.heading")}
        </h2>
        <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
          <dt className="font-medium">{t("jobs.worker")}</dt>
          <dd>
            {jobs.worker.isRunning ? (
              <Badge tone="good">{t("jobs.running")}</Badge>
            ) : (
              <Badge tone="bad">{jobs.worker.isDisabled ? t("jobs.disabled") : t("jobs.notRunning")}</Badge>
            )}
            {jobs.worker.lastPollAt ? <span className="ml-2 text-slate-700">{t("jobs.lastPoll", { time: time(jobs.worker.lastPollAt) })}</span> : null}
            {jobs.worker.lastError ? <div className="text-xs text-red-800">{jobs.worker.lastError}</div> : null}
          </dd>
          <dt className="font-medium">{t("jobs.oldestPending")}</dt>
          <dd>
            {jobs.oldestPending
              ? t("jobs.pending", {
                  kind: jobs.oldestPending.kind,
                  age: duration(jobs.oldestPending.ageMs),
                  attempts: jobs.oldestPending.attempts,
                  time: time(jobs.oldestPending.runAt),
                })
              : t("jobs.none")}
          </dd>
        </dl>
        <h3 className="mt-4 font-medium">{t("jobs.byStatus")}</h3>
        {jobs.counts.length === 0 ? (
          <p className="mt-1 text-sm text-slate-700">{t("jobs.noJobs")}</p>
        ) : (
          <table className="mt-2 w-full max-w-xl border-collapse text-sm">
            <TableHead columns={[t("jobs.columns.status"), t("jobs.columns.kind"), { label: t("jobs.columns.count"), align: "right" }]} />
            <tbody>
              {jobs.counts.map((c) => (
                <tr key={`${c.status}/${c.kind}`} className="border-t border-slate-100">
                  <td className="px-3 py-2">{c.status === "DONE" ? t("jobs.doneLastDay") : c.status}</td>
                  <td className="px-3 py-2">{c.kind}</td>
                  <td className="px-3 py-2 text-right tabular-nums">{format.number(c.count)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <h3 className="mt-4 font-medium">{t("jobs.recentDead")}</h3>
        {jobs.recentDead.length === 0 ? (
          <p className="mt-1 text-sm text-slate-700">{t("jobs.noDead")}</p>
        ) : (
          <ul className="mt-1 divide-y divide-slate-100 text-sm">
            {jobs.recentDead.map((j) => (
              <li key={j.id} className="py-2">
                <span className="font-medium">{j.kind}</span>{" "}
                <span className="text-slate-700">{t("jobs.deadItem", { attempts: j.attempts, time: time(j.failedAt) })}</span>
                {j.error ? <div className="break-words text-xs text-red-800">{j.error}</div> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
