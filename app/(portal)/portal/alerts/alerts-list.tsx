"use client";
// The alerts list: each alert with its rule, subject, text and link, and one
// line per message sent (channel, fired or resolved, delivered or not, why not).
// The title and body are in the reader's language (rendered from the alert's parameters); an alert from before
// those were kept shows the text its channels got.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useFormatter, useNow, useTranslations } from "next-intl";
import { useState } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { alertQueries, type AlertItem } from "@/components/portal/alert-queries";
import { LoadMore, QueryState } from "@/components/portal/query-state";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { SelectField } from "@/components/ui/field";
import { isAlertRuleName } from "@/lib/alerts/rule-catalog";

const STATUS_TONE: Record<string, BadgeTone> = { DELIVERED: "good", PENDING: "warn", FAILED: "bad" };
const DELIVERY_STATUSES = ["DELIVERED", "PENDING", "FAILED"] as const;
const isDeliveryStatus = (s: string): s is (typeof DELIVERY_STATUSES)[number] => (DELIVERY_STATUSES as readonly string[]).includes(s);

/** "3 minutes ago" against a clock that moves while the list refreshes itself (never "in 2 seconds" for an alert newer than the clock). */
function useAgo(): (iso: string) => string {
  const format = useFormatter();
  const now = useNow({ updateInterval: 30_000 });
  return (iso: string) => {
    const at = new Date(iso);
    return format.relativeTime(at.getTime() > now.getTime() ? now : at, now);
  };
}

function AlertCard({ alert }: { alert: AlertItem }) {
  const t = useTranslations("alerts.list");
  const tRules = useTranslations("alerts.rules.catalog");
  const tKinds = useTranslations("alerts.channels.kinds");
  const { time } = useTimeFormat();
  const ago = useAgo();
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        {alert.resolvedAt ? <Badge tone="good">{t("badgeResolved")}</Badge> : <Badge tone="bad">{t("badgeOpen")}</Badge>}
        <span className="text-xs text-slate-600">{isAlertRuleName(alert.rule) ? tRules(`${alert.rule}.label`) : alert.rule}</span>
        <time className="text-xs text-slate-600" dateTime={alert.firedAt} title={time(alert.firedAt)}>
          {ago(alert.firedAt)}
        </time>
        {alert.resolvedAt ? (
          <span className="text-xs text-slate-600">
            {t.rich("resolvedAt", { time: time(alert.resolvedAt), at: (chunks) => <time dateTime={alert.resolvedAt ?? undefined}>{chunks}</time> })}
          </span>
        ) : null}
      </div>
      {/* An old alert's text is as its channels got it (ALERT_LANGUAGE), which the language check cannot hold to this page's. */}
      <h2 className="mt-1 font-medium" data-i18n={alert.isRendered ? undefined : "server-text"}>
        {alert.title}
      </h2>
      <p className="mt-1 whitespace-pre-line text-sm text-slate-800" data-i18n={alert.isRendered ? undefined : "server-text"}>
        {alert.body}
      </p>
      <a className="mt-1 inline-block text-sm underline underline-offset-2" href={alert.link}>
        {t.rich("openPage", { subject: alert.subjectKey, sr: (chunks) => <span className="sr-only">{chunks}</span> })}
      </a>
      <h3 className="mt-3 text-sm font-medium">{t("messages")}</h3>
      {alert.notifications.length === 0 ? (
        <p className="text-sm text-slate-700">{t("noMessages")}</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm">
          {alert.notifications.map((n) => (
            <li key={n.id}>
              <Badge tone={STATUS_TONE[n.status] ?? "neutral"}>{isDeliveryStatus(n.status) ? t(`delivery.${n.status}`) : n.status}</Badge>{" "}
              {t.rich("messageTo", { kind: n.kind, channel: n.channelName, name: (chunks) => <span className="font-medium">{chunks}</span> })}{" "}
              <span className="text-xs text-slate-600">
                {n.sentAt
                  ? t("messageDetailSent", { channelKind: tKinds(n.channelKind), attempts: n.attempts, time: time(n.sentAt) })
                  : t("messageDetail", { channelKind: tKinds(n.channelKind), attempts: n.attempts })}
              </span>
              {n.lastError ? (
                // The channel's own answer (an SMTP server's, a robot's): not ours to translate.
                <div className="break-words text-xs text-red-800" data-i18n="server-text">
                  {n.lastError}
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function AlertsList() {
  const t = useTranslations("alerts.list");
  const [status, setStatus] = useState<"" | "open" | "resolved">("");
  const query = useInfiniteQuery(alertQueries.alerts(status || undefined));
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <div className="max-w-xs">
        <SelectField
          id="alert-status"
          label={t("status")}
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: "open", label: t("open") },
            { value: "resolved", label: t("resolved") },
          ]}
        />
      </div>
      <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
        <ul className="mt-4 space-y-3">
          {items.map((a) => (
            <AlertCard key={a.id} alert={a} />
          ))}
        </ul>
        <LoadMore query={query} />
      </QueryState>
    </div>
  );
}
