"use client";
// The alerts list: each alert with its rule, subject, text and link, and one
// line per message sent (channel, fired or resolved, delivered or not, why not).
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { alertQueries, type AlertItem } from "@/components/portal/alert-queries";
import { formatTime } from "@/components/portal/format";
import { LoadMore, QueryState } from "@/components/portal/query-state";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { SelectField } from "@/components/ui/field";

const STATUS_TONE: Record<string, BadgeTone> = { DELIVERED: "good", PENDING: "warn", FAILED: "bad" };

function AlertCard({ alert }: { alert: AlertItem }) {
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        {alert.resolvedAt ? <Badge tone="good">resolved</Badge> : <Badge tone="bad">open</Badge>}
        <span className="text-xs text-slate-600">{alert.ruleLabel}</span>
        <time className="text-xs text-slate-600" dateTime={alert.firedAt}>
          {formatTime(alert.firedAt)}
        </time>
        {alert.resolvedAt ? (
          <span className="text-xs text-slate-600">
            resolved <time dateTime={alert.resolvedAt}>{formatTime(alert.resolvedAt)}</time>
          </span>
        ) : null}
      </div>
      <h2 className="mt-1 font-medium">{alert.title}</h2>
      <p className="mt-1 whitespace-pre-line text-sm text-slate-800">{alert.body}</p>
      <a className="mt-1 inline-block text-sm underline underline-offset-2" href={alert.link}>
        Open the page<span className="sr-only"> about {alert.subjectKey}</span>
      </a>
      <h3 className="mt-3 text-sm font-medium">Messages</h3>
      {alert.notifications.length === 0 ? (
        <p className="text-sm text-slate-700">None: no channel was enabled when it fired.</p>
      ) : (
        <ul className="mt-1 space-y-1 text-sm">
          {alert.notifications.map((n) => (
            <li key={n.id}>
              <Badge tone={STATUS_TONE[n.status] ?? "neutral"}>{n.status.toLowerCase()}</Badge> {n.kind} to <span className="font-medium">{n.channelName}</span>{" "}
              <span className="text-xs text-slate-600">
                ({n.channelKind.toLowerCase()}, {n.attempts} attempt{n.attempts === 1 ? "" : "s"}
                {n.sentAt ? `, sent ${formatTime(n.sentAt)}` : ""})
              </span>
              {n.lastError ? <div className="break-words text-xs text-red-800">{n.lastError}</div> : null}
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

export function AlertsList() {
  const [status, setStatus] = useState<"" | "open" | "resolved">("");
  const query = useInfiniteQuery(alertQueries.alerts(status || undefined));
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <div>
      <div className="max-w-xs">
        <SelectField
          id="alert-status"
          label="Status"
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={[
            { value: "open", label: "Open" },
            { value: "resolved", label: "Resolved" },
          ]}
        />
      </div>
      <QueryState query={query} isEmpty={items.length === 0} empty="No alerts yet.">
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
