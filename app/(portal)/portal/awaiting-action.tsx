// What no retry will fix: provisioning that failed for good, background jobs
// that gave up (DEAD), and orders whose details could not be fetched. Error
// texts are shown to staff only, cut short and with secrets removed (server side).
import Link from "next/link";
import type { ReactNode } from "react";
import type { Dashboard } from "@/lib/portal/dashboard";
import { formatTimeUtc } from "@/components/portal/format";

function Group({ id, title, count, shown, empty, children }: { id: string; title: string; count: number; shown: number; empty: string; children: ReactNode }) {
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
          {count > shown ? <p className="mt-1 text-xs text-slate-600">Showing the {shown} most recent.</p> : null}
        </>
      )}
    </div>
  );
}

function InstanceLink({ id }: { id: string | null }) {
  if (!id) return <span className="text-slate-600">no instance</span>;
  return (
    <Link className="font-mono text-xs underline underline-offset-2" href={`/portal/instances/${id}`}>
      {id}
    </Link>
  );
}

function ErrorText({ text }: { text: string | null }) {
  return text ? <div className="mt-0.5 break-words text-xs text-red-800">{text}</div> : null;
}

export function AwaitingAction({ awaiting }: { awaiting: Dashboard["awaiting"] }) {
  const { failedProvisioning, deadJobs, failedOrderFetches } = awaiting;
  const total = failedProvisioning.count + deadJobs.count + failedOrderFetches.count;
  return (
    <section aria-labelledby="awaiting-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="awaiting-heading" className="text-lg font-semibold">
        Awaiting manual action <span className="text-base font-normal text-slate-600">({total})</span>
      </h2>
      <div className="mt-3 space-y-4">
        <Group
          id="awaiting-provisioning"
          title="Provisioning failed"
          count={failedProvisioning.count}
          shown={failedProvisioning.items.length}
          empty="No instance waits for provisioning to be fixed."
        >
          {failedProvisioning.items.map((i) => (
            <li key={i.instanceId} className="py-2">
              <InstanceLink id={i.instanceId} />{" "}
              <span className="text-slate-700">
                order {i.orderId}
                {i.customerName ? `, ${i.customerName}` : ""}, {i.state.toLowerCase()}, created {formatTimeUtc(i.createdAt)}
              </span>
              <ErrorText text={i.error} />
            </li>
          ))}
        </Group>
        <Group id="awaiting-jobs" title="Background jobs that gave up" count={deadJobs.count} shown={deadJobs.items.length} empty="No job has given up.">
          {deadJobs.items.map((j) => (
            <li key={j.id} className="py-2">
              <span className="font-medium">{j.kind}</span>{" "}
              <span className="text-slate-700">
                after {j.attempts} attempts, {formatTimeUtc(j.failedAt)}
                {j.orderId ? `, order ${j.orderId}` : ""}
              </span>{" "}
              <InstanceLink id={j.instanceId} />
              <ErrorText text={j.error} />
            </li>
          ))}
        </Group>
        <Group
          id="awaiting-orders"
          title="Order details not fetched"
          count={failedOrderFetches.count}
          shown={failedOrderFetches.items.length}
          empty="Every order's details were fetched or are still being fetched."
        >
          {failedOrderFetches.items.map((o) => (
            <li key={`${o.orderId}/${o.orderLineId ?? ""}`} className="py-2">
              <span className="font-mono text-xs">{o.orderId}</span>{" "}
              <span className="text-slate-700">
                {o.kind.toLowerCase()}, {formatTimeUtc(o.createdAt)}
              </span>{" "}
              <InstanceLink id={o.instanceId} />
              <ErrorText text={o.error} />
            </li>
          ))}
        </Group>
      </div>
    </section>
  );
}
