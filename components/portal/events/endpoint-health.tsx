"use client";
// Each endpoint's health in one table: its state, what is waiting or failed,
// the last day's success rate and latency, the last success and since when it
// has been failing. On the events page and the endpoints page.
import { useQuery } from "@tanstack/react-query";
import { eventQueries, type EndpointItem } from "@/components/portal/event-queries";
import { formatTime } from "@/components/portal/format";
import { QueryState } from "@/components/portal/query-state";
import { Badge } from "@/components/ui/badge";
import { TableHead } from "@/components/ui/table-head";

export function EndpointState({ endpoint }: { endpoint: EndpointItem }) {
  if (!endpoint.isEnabled) return <Badge tone={endpoint.disabledAt ? "bad" : "warn"}>disabled</Badge>;
  if (endpoint.failingSince) return <Badge tone="bad">failing</Badge>;
  return <Badge tone="good">healthy</Badge>;
}

function successRate(e: EndpointItem): string {
  if (e.health.attempts24h === 0) return "no attempts";
  return `${Math.round((100 * e.health.successes24h) / e.health.attempts24h)} % of ${e.health.attempts24h}`;
}

export function EndpointHealthTable() {
  const query = useQuery(eventQueries.endpoints());
  const items = query.data?.items ?? [];
  return (
    <section aria-labelledby="endpoint-health">
      <h2 id="endpoint-health" className="text-lg font-semibold">
        Endpoint health
      </h2>
      <QueryState query={query} isEmpty={items.length === 0} empty="No endpoint yet: set MERCHANT_WEBHOOK_URL or add one on the Webhook endpoints tab.">
        <div className="mt-2 overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm">
            <TableHead
              columns={[
                "Endpoint",
                "State",
                { label: "Waiting", align: "right" },
                { label: "Failed", align: "right" },
                "Success (24 h)",
                "Mean latency",
                "Last success",
                "Failing since",
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
                  <td className="px-3 py-2">{e.health.meanLatencyMs24h === null ? "–" : `${e.health.meanLatencyMs24h} ms`}</td>
                  <td className="px-3 py-2">{e.lastSuccessAt ? formatTime(e.lastSuccessAt) : "never"}</td>
                  <td className="px-3 py-2">{e.failingSince ? formatTime(e.failingSince) : "–"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </QueryState>
    </section>
  );
}
