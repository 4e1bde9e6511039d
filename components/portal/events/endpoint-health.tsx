"use client";
// Each endpoint's health in one table: its state, what is waiting or failed,
// the last day's success rate and latency, the last success and since when it
// has been failing. On the events page and the endpoints page.
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { eventQueries, type EndpointItem } from "@/components/portal/event-queries";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { TableHead } from "@/components/ui/table-head";

export function EndpointState({ endpoint }: { endpoint: EndpointItem }) {
  const t = useTranslations("events.health");
  if (!endpoint.isEnabled) return <Badge tone={endpoint.disabledAt ? "bad" : "warn"}>{t("disabled")}</Badge>;
  if (endpoint.failingSince) return <Badge tone="bad">{t("failing")}</Badge>;
  return <Badge tone="good">{t("healthy")}</Badge>;
}

export function EndpointHealthTable() {
  const t = useTranslations("events.health");
  const { time } = useTimeFormat();
  const query = useQuery(eventQueries.endpoints());
  const items = query.data?.items ?? [];
  const successRate = (e: EndpointItem) =>
    e.health.attempts24h === 0
      ? t("noAttempts")
      : t("successRate", { percent: Math.round((100 * e.health.successes24h) / e.health.attempts24h), total: e.health.attempts24h });
  return (
    <section aria-labelledby="endpoint-health">
      <h2 id="endpoint-health" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <QueryState query={query} isEmpty={items.length === 0} empty={t("empty")}>
        <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <TableHead
              columns={[
                t("columns.endpoint"),
                t("columns.state"),
                { label: t("columns.waiting"), align: "right" },
                { label: t("columns.failed"), align: "right" },
                t("columns.success"),
                t("columns.latency"),
                t("columns.lastSuccess"),
                t("columns.failingSince"),
              ]}
            />
            <tbody>
              {items.map((e) => (
                <tr key={e.id} className="border-t border-slate-100">
                  <td className="px-3 py-2 font-medium">{e.name}</td>
                  <td className="px-3 py-2">
                    <EndpointState endpoint={e} />
                  </td>
                  <td className="px-3 py-2 text-right">{e.health.pending}</td>
                  <td className="px-3 py-2 text-right">{e.health.failed}</td>
                  <td className="px-3 py-2">{successRate(e)}</td>
                  <td className="px-3 py-2">{e.health.meanLatencyMs24h === null ? t("none") : t("ms", { ms: e.health.meanLatencyMs24h })}</td>
                  <td className="px-3 py-2">{e.lastSuccessAt ? time(e.lastSuccessAt) : t("never")}</td>
                  <td className="px-3 py-2">{e.failingSince ? time(e.failingSince) : t("none")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
