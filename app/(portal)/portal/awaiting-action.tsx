// What no retry will fix: provisioning that failed for good, background jobs
// that gave up (DEAD), and orders whose details could not be fetched. Error
// texts are shown to staff only, cut short and with secrets removed (server side).
import { useTranslations } from "next-intl";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import type { Dashboard } from "@/lib/portal/dashboard";
import { useAgo } from "./failing-orders";
import { ErrorText } from "@/components/portal/error-text";

function Group({ id, title, count, shown, empty, children }: { id: string; title: string; count: number; shown: number; empty: string; children: ReactNode }) {
  const t = useTranslations("dashboard.awaiting");
  return (
    <div>
      <h3 id={id} className="font-medium">
        {title} <span className="font-normal text-slate-600">({count})</span>
      </h3>
      {count === 0 ? (
        <p className="mt-1 text-sm text-slate-700">{empty}</p>
      ) : (
        <>
          <ul aria-labelledby={id} className="mt-1 divide-y divide-slate-100 text-sm">
            {children}
          </ul>
          {count > shown ? <p className="mt-1 text-xs text-slate-600">{t("showingRecent", { shown })}</p> : null}
        </>
      )}
    </div>
  );
}

function InstanceLink({ id }: { id: string | null }) {
  const t = useTranslations("dashboard.awaiting");
  if (!id) return <span className="text-slate-600">{t("noInstance")}</span>;
  return (
    <Link className="font-mono text-xs underline underline-offset-2" href={`/portal/instances/${id}`}>
      {id}
    </Link>
  );
}

/** A relative time ("3 minutes ago") with the exact time in its title. */
function useAt(): (iso: string) => (chunks: ReactNode) => ReactNode {
  const { time } = useTimeFormat();
  return (iso) =>
    function At(chunks) {
      return (
        <time dateTime={iso} title={time(iso)}>
          {chunks}
        </time>
      );
    };
}

export function AwaitingAction({ awaiting }: { awaiting: Dashboard["awaiting"] }) {
  const t = useTranslations("dashboard.awaiting");
  const tState = useTranslations("dashboard.instances.state");
  const ago = useAgo();
  const at = useAt();
  const { failedProvisioning, deadJobs, failedOrderFetches } = awaiting;
  const total = failedProvisioning.count + deadJobs.count + failedOrderFetches.count;
  return (
    <section aria-labelledby="awaiting-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="awaiting-heading" className="text-lg font-semibold">
        {t("heading")} <span className="text-base font-normal text-slate-600">({total})</span>
      </h2>
      <div className="mt-3 space-y-4">
        <Group
          id="awaiting-provisioning"
          title={t("provisioning.title")}
          count={failedProvisioning.count}
          shown={failedProvisioning.items.length}
          empty={t("provisioning.empty")}
        >
          {failedProvisioning.items.map((i) => {
            const values = { orderId: i.orderId, state: tState(i.state), created: ago(i.createdAt), at: at(i.createdAt) };
            return (
              <li key={i.instanceId} className="py-2">
                <InstanceLink id={i.instanceId} />{" "}
                <span className="text-slate-700">
                  {i.customerName ? t.rich("provisioning.itemWithCustomer", { ...values, customer: i.customerName }) : t.rich("provisioning.item", values)}
                </span>
                <ErrorText text={i.error} className="mt-0.5 break-words text-xs text-red-800" />
              </li>
            );
          })}
        </Group>
        <Group id="awaiting-jobs" title={t("jobs.title")} count={deadJobs.count} shown={deadJobs.items.length} empty={t("jobs.empty")}>
          {deadJobs.items.map((j) => {
            const values = { attempts: j.attempts, failed: ago(j.failedAt), at: at(j.failedAt) };
            return (
              <li key={j.id} className="py-2">
                <span className="font-medium">{j.kind}</span>{" "}
                <span className="text-slate-700">
                  {j.orderId ? t.rich("jobs.itemWithOrder", { ...values, orderId: j.orderId }) : t.rich("jobs.item", values)}
                </span>{" "}
                <InstanceLink id={j.instanceId} />
                <ErrorText text={j.error} className="mt-0.5 break-words text-xs text-red-800" />
              </li>
            );
          })}
        </Group>
        <Group
          id="awaiting-orders"
          title={t("orders.title")}
          count={failedOrderFetches.count}
          shown={failedOrderFetches.items.length}
          empty={t("orders.empty")}
        >
          {failedOrderFetches.items.map((o) => (
            <li key={`${o.orderId}/${o.orderLineId ?? ""}`} className="py-2">
              <span className="font-mono text-xs">{o.orderId}</span>{" "}
              <span className="text-slate-700">{t.rich("orders.item", { kind: o.kind, created: ago(o.createdAt), at: at(o.createdAt) })}</span>{" "}
              <InstanceLink id={o.instanceId} />
              <ErrorText text={o.error} className="mt-0.5 break-words text-xs text-red-800" />
            </li>
          ))}
        </Group>
      </div>
    </section>
  );
}
