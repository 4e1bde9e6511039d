"use client";
// One instance: summary, app info (password masked; operators may reveal it
// once), operator actions, its orders and its timeline. The server page has
// already checked that the viewer may see it; the API checks again.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { Badge, stateTone } from "@/components/ui/badge";
import { instanceQueries, type InstanceDetail } from "@/components/portal/instance-queries";
import { QueryState } from "@/components/portal/query-state";
import { AppInfoCard } from "./app-info-card";
import { InstanceActions } from "./instance-actions";
import { InstanceTimeline } from "./instance-timeline";
import { provisionTone, useInstanceLabels } from "@/components/portal/instances/format";
import { TableHead } from "@/components/ui/table-head";
import { ErrorText } from "@/components/portal/error-text";

const cardClass = "rounded-lg border border-slate-200 bg-white p-4";

const ORDER_KINDS = ["NEW", "RENEWAL", "TRIAL_TO_FORMAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE", "UPGRADE", "UNSUBSCRIBE"] as const;
const FETCH_STATUSES = ["PENDING", "RETRYING", "FETCHED", "FAILED", "NOT_CONFIGURED", "SKIPPED"] as const;

/** A code in the list, or undefined (then it is shown as it is). */
function known<T extends string>(list: readonly T[], code: string): T | undefined {
  return (list as readonly string[]).includes(code) ? (code as T) : undefined;
}

function When({ at }: { at: string | null }) {
  const t = useTranslations("instances.detail");
  const { time } = useTimeFormat();
  return at ? <time dateTime={at}>{time(at)}</time> : <>{t("none")}</>;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="font-medium text-slate-700">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

function Summary({ detail, isStaff }: { detail: InstanceDetail; isStaff: boolean }) {
  const t = useTranslations("instances.detail");
  const labels = useInstanceLabels();
  const format = useFormatter();
  const i = detail.instance;
  return (
    <section aria-labelledby="summary-heading" className={cardClass}>
      <h2 id="summary-heading" className="text-lg font-semibold">
        {t("summary")}
      </h2>
      <div className="mt-2 flex flex-wrap gap-2">
        <Badge tone={stateTone(i.state)}>{labels.state(i.state)}</Badge>
        <Badge tone={provisionTone(i.provisionStatus)}>{t("provisioningBadge", { status: i.provisionStatus.toLowerCase() })}</Badge>
        {i.isTrial ? <Badge tone="info">{t("trialBadge")}</Badge> : null}
        {i.isTest ? <Badge tone="warn">{t("testBadge")}</Badge> : null}
      </div>
      {i.provisionStatus === "FAILED" && i.provisionError ? (
        <p className="mt-3 rounded bg-red-50 px-3 py-2 text-sm text-red-900">
          <span className="font-medium">{t("provisioningFailed")}</span> <ErrorText text={i.provisionError} className="" isInline />
        </p>
      ) : null}
      <dl className="mt-3 grid gap-x-6 gap-y-1 text-sm sm:grid-cols-[max-content_1fr]">
        <Field label={t("customer")}>
          {i.customerName || t("none")}
          {i.customerId ? <span className="ml-2 font-mono text-xs text-slate-600">{i.customerId}</span> : null}
        </Field>
        <Field label={t("product")}>
          <span className="font-mono text-xs">{i.productId ?? t("none")}</span>
          {i.skuCode ? <span className="ml-2 font-mono text-xs text-slate-600">{t("sku", { code: i.skuCode })}</span> : null}
        </Field>
        <Field label={t("order")}>
          <span className="font-mono text-xs">
            {i.orderId}
            {i.orderLineId ? ` / ${i.orderLineId}` : ""}
          </span>
        </Field>
        <Field label={t("charging")}>{i.chargingMode ?? t("none")}</Field>
        <Field label={t("interface")}>{i.generation}</Field>
        {isStaff ? <Field label={t("adapter")}>{i.provisionAdapter}</Field> : null}
        <Field label={t("expires")}>
          <When at={i.expireAt} />
        </Field>
        <Field label={t("created")}>
          <When at={i.createdAt} />
        </Field>
        <Field label={t("provisioned")}>
          <When at={i.provisionedAt} />
        </Field>
        {i.frozenAt ? (
          <Field label={t("frozen")}>
            <When at={i.frozenAt} />
          </Field>
        ) : null}
        {i.releasedAt ? (
          <Field label={t("released")}>
            <When at={i.releasedAt} />
          </Field>
        ) : null}
        <Field label={t("tenants")}>
          {detail.tenants.length === 0
            ? t("noTenants")
            : format.list(
                detail.tenants.map((tenant) => (
                  <span key={tenant.id}>
                    <Link className="underline underline-offset-2" href={`/portal/tenants/${tenant.id}`}>
                      {tenant.name || tenant.tenantCode || tenant.tenantId}
                    </Link>
                    {tenant.deletedAt ? t("deleted") : null}
                  </span>
                )),
                { type: "conjunction" },
              )}
        </Field>
      </dl>
    </section>
  );
}

function Orders({ detail }: { detail: InstanceDetail }) {
  const t = useTranslations("instances.detail");
  const kind = (code: string) => {
    const k = known(ORDER_KINDS, code);
    return k ? t(`orderKind.${k}`) : code;
  };
  const fetchStatus = (code: string) => {
    const k = known(FETCH_STATUSES, code);
    return k ? t(`fetchStatus.${k}`) : code;
  };
  return (
    <section aria-labelledby="orders-heading" className={cardClass}>
      <h2 id="orders-heading" className="text-lg font-semibold">
        {t("orders")}
      </h2>
      {detail.orders.length === 0 ? (
        <p className="mt-2 text-sm text-slate-600">{t("noOrders")}</p>
      ) : (
        <div className="mt-2 overflow-x-auto">
          <table className="w-full text-sm">
            <TableHead
              variant="plain"
              columns={[
                t("orderColumns.order"),
                t("orderColumns.kind"),
                t("orderColumns.received"),
                t("orderColumns.period"),
                { label: t("orderColumns.amount"), align: "right" },
                t("orderColumns.details"),
              ]}
            />
            <tbody>
              {detail.orders.map((o) => (
                <tr key={o.id} className="border-t border-slate-100 align-top">
                  <td className="py-2 pr-3 font-mono text-xs">
                    {o.orderId}
                    {o.orderLineId ? <div className="text-slate-600">{o.orderLineId}</div> : null}
                  </td>
                  <td className="py-2 pr-3">
                    {kind(o.kind)}
                    {o.isTest ? (
                      <Badge tone="warn" className="ml-1">
                        {t("orderTest")}
                      </Badge>
                    ) : null}
                  </td>
                  <td className="py-2 pr-3 whitespace-nowrap">
                    <When at={o.createdAt} />
                  </td>
                  <td className="py-2 pr-3">
                    {o.periodNumber !== null && o.periodType ? t("period", { count: o.periodNumber, periodType: o.periodType }) : t("none")}
                  </td>
                  <td className="py-2 pr-3 text-right">{o.amount ?? t("none")}</td>
                  <td className="py-2">
                    {fetchStatus(o.fetchStatus)}
                    <ErrorText text={o.fetchError} className="text-xs text-red-800" />
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
  const t = useTranslations("instances.detail");
  const query = useQuery(instanceQueries.detail(instanceId));
  const detail = query.data;
  return (
    <QueryState query={query} isEmpty={!detail} empty={t("notFound")}>
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
