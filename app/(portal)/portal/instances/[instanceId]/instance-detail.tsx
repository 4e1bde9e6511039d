"use client";
// One instance: summary, app info (password masked; operators may reveal it
// once), operator actions, its orders and its timeline. The server page has
// already checked that the viewer may see it; the API checks again.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { Badge, stateTone } from "@/components/ui/badge";
import { instanceQueries, type InstanceDetail } from "@/components/portal/instance-queries";
import { QueryState } from "@/components/portal/query-state";
import { AppInfoCard } from "./app-info-card";
import { InstanceActions } from "./instance-actions";
import { InstanceTimeline } from "./instance-timeline";
import { formatDateTime, provisionTone } from "@/components/portal/instances/format";
import { TableHead } from "@/components/ui/table-head";

const cardClass = "rounded-lg border border-slate-200 bg-white p-4";

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-700">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Summary({ detail, isStaff }: { detail: InstanceDetail; isStaff: boolean }) {
  const i = detail.instance;
  const date = (v: string | null) => (v ? formatDateTime(v) : "—");
  return (
    <section aria-labelledby="summary-heading" className={cardClass}>
      <h2 id="summary-heading" className="text-lg font-semibold">
        Summary
      </h2>
      <div className="mt-2 flex flex-wrap gap-2">
        <Badge tone={stateTone(i.state)}>{i.state.toLowerCase()}</Badge>
        <Badge tone={provisionTone(i.provisionStatus)}>provisioning {i.provisionStatus.toLowerCase()}</Badge>
        {i.isTrial ? <Badge tone="info">trial</Badge> : null}
        {i.isTest ? <Badge tone="warn">test data</Badge> : null}
      </div>
      {i.provisionStatus === "FAILED" && i.provisionError ? (
        <p className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-900">
          <span className="font-medium">Provisioning failed:</span> {i.provisionError}
        </p>
      ) : null}
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <Field label="Customer">
          {i.customerName || "—"}
          {i.customerId ? <span className="ml-2 font-mono text-xs text-slate-600">{i.customerId}</span> : null}
        </Field>
        <Field label="Product">
          <span className="font-mono text-xs">{i.productId ?? "—"}</span>
          {i.skuCode ? <span className="ml-2 font-mono text-xs text-slate-600">SKU {i.skuCode}</span> : null}
        </Field>
        <Field label="Order">
          <span className="font-mono text-xs">
            {i.orderId}
            {i.orderLineId ? ` / ${i.orderLineId}` : ""}
          </span>
        </Field>
        <Field label="Charging">{i.chargingMode ?? "—"}</Field>
        <Field label="Interface">{i.generation}</Field>
        {isStaff ? <Field label="Provisioning adapter">{i.provisionAdapter}</Field> : null}
        <Field label="Expires">{date(i.expireAt)}</Field>
        <Field label="Created">{date(i.createdAt)}</Field>
        <Field label="Provisioned">{date(i.provisionedAt)}</Field>
        {i.frozenAt ? <Field label="Frozen">{date(i.frozenAt)}</Field> : null}
        {i.releasedAt ? <Field label="Released">{date(i.releasedAt)}</Field> : null}
        <Field label="Tenants">
          {detail.tenants.length === 0
            ? "none bound"
            : detail.tenants.map((t, n) => (
                <span key={t.id}>
                  {n > 0 ? ", " : ""}
                  <Link className="underline underline-offset-2" href={`/portal/tenants/${t.id}`}>
                    {t.name || t.tenantCode || t.tenantId}
                  </Link>
                  {t.deletedAt ? " (deleted)" : ""}
                </span>
              ))}
        </Field>
      </dl>
    </section>
  );
}

function Orders({ detail }: { detail: InstanceDetail }) {
  return (
    <section aria-labelledby="orders-heading" className={cardClass}>
      <h2 id="orders-heading" className="text-lg font-semibold">
        Orders
      </h2>
      {detail.orders.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">No orders recorded.</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm">
            <TableHead variant="plain" columns={["Order", "Kind", "Received", "Period", { label: "Amount", align: "right" }, "Order details"]} />
            <tbody>
              {detail.orders.map((o) => (
                <tr key={o.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-3 font-mono text-xs">
                    {o.orderId}
                    {o.orderLineId ? <div className="text-slate-600">{o.orderLineId}</div> : null}
                  </td>
                  <td className="py-2 pr-3">
                    {o.kind.toLowerCase().replaceAll("_", " ")}
                    {o.isTest ? (
                      <Badge tone="warn" className="ml-1">
                        test
                      </Badge>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap">{formatDateTime(o.createdAt)}</td>
                  <td className="py-2 pr-3">{o.periodNumber !== null && o.periodType ? `${o.periodNumber} ${o.periodType}` : "—"}</td>
                  <td className="py-2 pr-3 text-right">{o.amount ?? "—"}</td>
                  <td className="py-2">
                    {o.fetchStatus.toLowerCase().replaceAll("_", " ")}
                    {o.fetchError ? <div className="text-xs text-red-800">{o.fetchError}</div> : null}
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

export function InstanceDetailView({ instanceId, canOperate, isStaff }: { instanceId: string; canOperate: boolean; isStaff: boolean }) {
  const query = useQuery(instanceQueries.detail(instanceId));
  const detail = query.data;
  return (
    <QueryState query={query} isEmpty={!detail} empty="No such instance.">
      {detail ? (
        <div className="space-y-6">
          <div className="grid gap-6 lg:grid-cols-2">
            <Summary detail={detail} isStaff={isStaff} />
            <div className="space-y-6">
              <AppInfoCard instanceId={instanceId} appInfo={detail.appInfo} canReveal={canOperate} />
              {canOperate ? <InstanceActions instanceId={instanceId} instance={detail.instance} /> : null}
            </div>
          </div>
          <Orders detail={detail} />
          <InstanceTimeline items={detail.timeline} isCapped={detail.isTimelineCapped} />
        </div>
      ) : null}
    </QueryState>
  );
}
