// Orders whose latest callback failed while KooGallery is still retrying it
// (protocol:retry-windows.md), most urgent first: fix the cause before the window closes, or the
// purchase or upgrade is refunded.
import { useFormatter, useNow, useTranslations } from "next-intl";
import Link from "next/link";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { Badge } from "@/components/ui/badge";
import type { FailingOrder } from "@/lib/portal/dashboard";
import { TableHead } from "@/components/ui/table-head";
import { DASHBOARD_REFRESH_MS } from "@/components/portal/dashboard-queries";

/** "2 h 5 min", "12 min", "< 1 min", "3 d 4 h" in the viewer's language. */
export function useDuration(): (ms: number) => string {
  const t = useTranslations("dashboard.duration");
  return (ms) => {
    const minutes = Math.floor(ms / 60_000);
    if (minutes < 1) return t("underMinute");
    const hours = Math.floor(minutes / 60);
    if (hours === 0) return t("minutes", { minutes });
    if (hours < 48) return t("hours", { hours, minutes: minutes % 60 });
    return t("days", { days: Math.floor(hours / 24), hours: hours % 24 });
  };
}

/**
 * "3 minutes ago" against a clock that moves with the dashboard's refresh (the page stays open), never in the
 * future; the same clock as the server's on the first render.
 */
export function useAgo(): (iso: string) => string {
  const format = useFormatter();
  const now = useNow({ updateInterval: DASHBOARD_REFRESH_MS });
  return (iso) => format.relativeTime(new Date(Math.min(Date.parse(iso), now.getTime())), now);
}

export function FailingOrders({ orders }: { orders: FailingOrder[] }) {
  const t = useTranslations("dashboard.failing");
  const { time } = useTimeFormat();
  const ago = useAgo();
  const duration = useDuration();
  return (
    <section aria-labelledby="failing-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="failing-heading" className="text-lg font-semibold">
        {t("heading")} <span className="text-base font-normal text-slate-600">({orders.length})</span>
      </h2>
      <p className="mt-1 text-sm text-slate-700">{t("explain")}</p>
      {orders.length === 0 ? (
        <p className="mt-3 text-sm text-slate-700">{t("empty")}</p>
      ) : (
        <div className="mt-3 overflow-x-auto">
          <table className="w-full border-collapse text-sm">
            <TableHead columns={[t("columns.order"), t("columns.activity"), t("columns.lastResult"), t("columns.timeLeft"), t("columns.links")]} />
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
                      {t.rich("attempts", {
                        last: ago(o.lastAttemptAt),
                        first: ago(o.firstAttemptAt),
                        lastAt: (chunks) => (
                          <time dateTime={o.lastAttemptAt} title={time(o.lastAttemptAt)}>
                            {chunks}
                          </time>
                        ),
                        firstAt: (chunks) => (
                          <time dateTime={o.firstAttemptAt} title={time(o.firstAttemptAt)}>
                            {chunks}
                          </time>
                        ),
                      })}
                    </div>
                  </td>
                  <td className="px-3 py-2 whitespace-nowrap">
                    <Badge tone={o.timeLeftMs < 60 * 60 * 1000 ? "bad" : "warn"}>{duration(o.timeLeftMs)}</Badge>
                    <div className="text-xs text-slate-600">
                      {t(o.afterWindow === "order-refunded" ? "refunded" : "notResent", { window: duration(o.windowMs) })}
                    </div>
                  </td>
                  <td className="px-3 py-2">
                    <ul className="space-y-1">
                      <li>
                        <Link className="underline underline-offset-2" href={`/portal/callbacks/${o.logId}`}>
                          {t.rich("callbackLog", { orderId: o.orderId, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
                        </Link>
                      </li>
                      {o.instanceId ? (
                        <li>
                          <Link className="underline underline-offset-2" href={`/portal/instances/${o.instanceId}`}>
                            {t.rich("instance", { instanceId: o.instanceId, hidden: (chunks) => <span className="sr-only">{chunks}</span> })}
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
