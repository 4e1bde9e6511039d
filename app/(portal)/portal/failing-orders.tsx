// Orders whose latest callback failed while KooGallery is still retrying it
// (protocol:retry-windows.md), most urgent first: fix the cause before the window closes, or the
// purchase or upgrade is refunded.
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import type { FailingOrder } from "@/lib/portal/dashboard";
import { formatDuration, formatTimeUtc } from "@/components/portal/format";
import { TableHead } from "@/components/ui/table-head";

export function FailingOrders({ orders }: { orders: FailingOrder[] }) {
  return (
    <section aria-labelledby="failing-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="failing-heading" className="text-lg font-semibold">
        Failing orders <span className="text-base font-normal text-slate-600">({orders.length})</span>
      </h2>
      <p className="mt-1 text-sm text-slate-700">
        Purchases, renewals and upgrades whose latest callback failed. KooGallery retries them for a limited time (3 h for purchases and upgrades, then the
        order is refunded; 2 h for renewals).
      </p>
      {orders.length === 0 ? (
        <p className="mt-3 text-sm text-slate-700">No order is failing right now.</p>
      ) : (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full border-collapse text-sm">
            <TableHead columns={["Order", "Activity", "Last result", "Time left", "Links"]} />
            <tbody>
              {orders.map((o) => (
                <tr key={o.orderId} className="border-t border-slate-100 align-top">
                  <td className="px-3 py-2">
                    <span className="font-mono text-xs">{o.orderId}</span>
                    {o.orderLineId ? <div className="font-mono text-xs text-slate-600">{o.orderLineId}</div> : null}
                  </td>
                  <td className="px-3 py-2">{o.activity}</td>
                  <td className="px-3 py-2">
                    <Badge tone="bad">{o.resultCode}</Badge> <span className="text-slate-800">{o.resultMsg ?? ""}</span>
                    <div className="text-xs text-slate-600">
                      at <time dateTime={o.lastAttemptAt}>{formatTimeUtc(o.lastAttemptAt)}</time>, failing since{" "}
                      <time dateTime={o.firstAttemptAt}>{formatTimeUtc(o.firstAttemptAt)}</time>
                    </div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Badge tone={o.timeLeftMs < 60 * 60 * 1000 ? "bad" : "warn"}>{formatDuration(o.timeLeftMs)}</Badge>
                    <div className="text-xs text-slate-600">
                      of {formatDuration(o.windowMs)}
                      {o.afterWindow === "order-refunded" ? ", then refunded" : ", then not resent"}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <ul className="space-y-1">
                      <li>
                        <Link className="underline underline-offset-2" href={`/portal/callbacks/${o.logId}`}>
                          Callback log<span className="sr-only"> of order {o.orderId}</span>
                        </Link>
                      </li>
                      {o.instanceId ? (
                        <li>
                          <Link className="underline underline-offset-2" href={`/portal/instances/${o.instanceId}`}>
                            Instance<span className="sr-only"> {o.instanceId}</span>
                          </Link>
                        </li>
                      ) : null}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
