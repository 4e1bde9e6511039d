// The fetch-order job: read an order's details (customer, product, SKU, period,
// amount) through the Open API and store them on the order and, where still
// unknown, on its instance. Unreachable KooGallery ⇒ the job retries with backoff.
// A V2 upgrade's new specification arrives this way, and is announced to the
// merchant's application here (instance.upgraded with isSpecPending false).
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { kickDeliveries } from "@/lib/events/deliver-events";
import { instanceEvent } from "@/lib/events/instance-events";
import { writeEvents } from "@/lib/events/outbox";
import { Prisma } from "@/lib/generated/prisma/client";
import type { JobRow } from "@/lib/jobs/queue";
import { PermanentJobError } from "@/lib/jobs/worker";
import { OpenApiError, queryOrder } from "@/lib/koogallery/open-api-client";

type Payload = { orderKey: string; orderId: string; orderLineId: string | null };

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : typeof v === "number" ? String(v) : undefined;
}

/** Picks our columns out of OrderInfo (protocol:open-api.md#order-query; shape partly inferred, see protocol:open-questions.md#order-query-shape). */
export function orderColumns(orderInfo: Record<string, unknown>, orderLineId: string | null) {
  const lines = Array.isArray(orderInfo.orderLine) ? (orderInfo.orderLine as Record<string, unknown>[]) : [];
  const line = lines.find((l) => l.orderLineId === orderLineId) ?? lines[0] ?? {};
  const product = Array.isArray(line.productInfo) ? ((line.productInfo as Record<string, unknown>[])[0] ?? {}) : {};
  const buyer = (orderInfo.buyerInfo ?? {}) as Record<string, unknown>;
  const amount = str(line.orderAmount);
  const periodNumber = Number(line.periodNumber);
  return {
    orderType: str(orderInfo.orderType) ?? null,
    customerId: str(buyer.customerId) ?? null,
    customerName: str(buyer.customerName) ?? null,
    productId: str(product.productId) ?? null,
    skuCode: str(product.skuCode) ?? null,
    chargingMode: str(line.chargingMode) ?? null,
    periodType: str(line.periodType) ?? null,
    periodNumber: Number.isInteger(periodNumber) ? periodNumber : null,
    amount: amount && /^-?\d+(\.\d+)?$/.test(amount) ? new Prisma.Decimal(amount) : null,
    isTrial: line.trialFlag === "1" || line.trialFlag === 1 || orderInfo.orderType === "TRIAL",
  };
}

export async function runFetchOrderJob(db: Db, payload: unknown, job: JobRow): Promise<void> {
  const p = payload as Payload;
  const env = getEnv();
  if (!env.ak || !env.sk) {
    await db.order.updateMany({
      where: { orderKey: p.orderKey },
      data: { fetchStatus: "NOT_CONFIGURED", fetchError: "KOOGALLERY_AK/KOOGALLERY_SK are not set" },
    });
    return;
  }
  let answer;
  try {
    answer = await queryOrder({ baseUrl: env.apiBaseUrl, ak: env.ak, sk: env.sk }, p.orderId, p.orderLineId ?? undefined);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const isPermanent = error instanceof OpenApiError && !error.isRetryable;
    const isLast = job.attempts >= job.maxAttempts;
    await db.order.updateMany({
      where: { orderKey: p.orderKey },
      data: { fetchStatus: isPermanent || isLast ? "FAILED" : "RETRYING", fetchError: message.slice(0, 500) },
    });
    throw isPermanent ? new PermanentJobError(message) : error;
  }
  const info = answer.orderInfo ?? {};
  const { isTrial, ...cols } = orderColumns(info, p.orderLineId);
  const order = await db.order.findUnique({ where: { orderKey: p.orderKey }, select: { instanceId: true, kind: true, skuCode: true, isTest: true } });
  await db.$transaction(async (tx) => {
    await tx.order.updateMany({
      where: { orderKey: p.orderKey },
      data: { ...cols, details: info as Prisma.InputJsonValue, fetchStatus: "FETCHED", fetchedAt: new Date(), fetchError: null },
    });
    if (!order) return;
    const instance = await tx.instance.findUnique({
      where: { id: order.instanceId },
      select: { customerId: true, customerName: true, productId: true, skuCode: true, chargingMode: true },
    });
    if (!instance) return;
    // Fill what the callback did not carry; never overwrite what it did.
    const updated = await tx.instance.update({
      where: { id: order.instanceId },
      data: {
        customerId: instance.customerId ?? cols.customerId,
        customerName: instance.customerName ?? cols.customerName,
        productId: order.kind === "UPGRADE" ? (cols.productId ?? instance.productId) : (instance.productId ?? cols.productId),
        skuCode: order.kind === "UPGRADE" ? (cols.skuCode ?? instance.skuCode) : (instance.skuCode ?? cols.skuCode),
        chargingMode: instance.chargingMode ?? cols.chargingMode,
        ...(order.kind === "NEW" && isTrial ? { isTrial: true } : {}),
      },
    });
    // An upgrade whose call named no SKU (V2) was announced with isSpecPending: the new specification is told now,
    // in the transaction that stores it, as a second instance.upgraded for the same order.
    if (order.kind === "UPGRADE" && order.skuCode === null && (cols.skuCode || cols.productId)) {
      const event = instanceEvent(
        "instance.upgraded",
        updated,
        {
          orderId: p.orderId,
          orderLineId: p.orderLineId ?? null,
          productId: updated.productId,
          skuCode: updated.skuCode,
          previousProductId: instance.productId,
          previousSkuCode: instance.skuCode,
          isSpecPending: false,
        },
        new Date(),
        { isTestCall: order.isTest },
      );
      await writeEvents(tx, [event]);
    }
  });
  kickDeliveries();
}
