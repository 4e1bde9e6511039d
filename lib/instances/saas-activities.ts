// The production interface's activity table: per generation, each activity's
// schema (whose output is the domain command, so V1 and V2 are read into one
// shape here and nowhere else), its verb, how its writes run, and KooGallery's
// retry window for it. The SaaS endpoint (saas-endpoint.ts) serves this table;
// an activity not in it is answered "not served at this address" (000002).
import { z } from "zod";
import { defineActivity, type Activity } from "@/lib/callbacks/activity";
import { decodeSaasExtendParams } from "@/lib/koogallery/saas-extend-params";
import { retryWindowOf } from "@/lib/koogallery/retry-windows";
import { isTestRequest, splitInstanceIds, v1SaasSchemas, v2SaasSchemas } from "@/lib/koogallery/schemas";
import type { V1SaasActivity, V2SaasActivity } from "@/lib/koogallery/activity-names";
import { changeInstanceStatus } from "@/lib/instances/change-instance-status";
import { notifyOrder } from "@/lib/instances/notify-order";
import { provisionInstance } from "@/lib/instances/provision-instance";
import { queryInstances } from "@/lib/instances/query-instances";
import { refreshInstance } from "@/lib/instances/refresh-instance";
import { releaseInstance } from "@/lib/instances/release-instance";
import { upgradeInstance } from "@/lib/instances/upgrade-instance";
import type { RefreshScene, SaasContext, SaasOutcome } from "@/lib/instances/types";

type SaasActivity = Activity<SaasContext, SaasOutcome>;

/**
 * `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS`, UTC (protocol:saas-interface.md#v2-refreshinstance, protocol:open-questions.md#expiretime-length); undefined (with
 * an issue) when it is not a real time.
 */
function readKooGalleryTime(value: string, ctx: z.RefinementCtx, path: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(value);
  if (!m) {
    ctx.addIssue({ code: "custom", path: [path], message: "has an invalid format" });
    return z.NEVER;
  }
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms ?? 0)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    ctx.addIssue({ code: "custom", path: [path], message: "is not a real date" });
    return z.NEVER;
  }
  return date;
}

function readExtendParams(value: string | undefined, ctx: z.RefinementCtx): unknown {
  if (!value) return undefined;
  try {
    return decodeSaasExtendParams(value);
  } catch {
    ctx.addIssue({ code: "custom", path: ["saasExtendParams"], message: "is not Base64 of a JSON array of {name, value}" });
    return z.NEVER;
  }
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

// ---------------------------------------------------------------- V2

const v2NewInstance = v2SaasSchemas.newInstance.transform((req, ctx) => {
  // protocol:saas-interface.md#v2-newinstance-variant: the IDs sit in orderInfo[0]; the buyer in buyerInfo.
  const line = (req.orderInfo?.[0] ?? {}) as Record<string, unknown>;
  const orderId = req.orderId ?? text(line.orderId);
  const businessId = req.businessId ?? text(line.businessId);
  if (!orderId || !businessId) {
    ctx.addIssue({ code: "custom", path: [orderId ? "businessId" : "orderId"], message: "is required (or orderInfo[0] must carry it)" });
    return z.NEVER;
  }
  const productInfo = Array.isArray(line.productInfo) ? (line.productInfo[0] as Record<string, unknown> | undefined) : undefined;
  const chargingMode = text(line.chargingMode);
  const expireTime = text(line.expireTime);
  return {
    orderId,
    orderLineId: req.orderLineId ?? text(line.orderLineId),
    businessId,
    productId: text(productInfo?.productId),
    skuCode: text(productInfo?.skuCode),
    chargingMode,
    customerId: req.buyerInfo?.customerId,
    customerName: req.buyerInfo?.customerName,
    isTrial: line.trialFlag === "1" || line.trialFlag === 1,
    isOnDemand: chargingMode === "ON_DEMAND",
    expireAt: expireTime && /^\d{14}$/.test(expireTime) ? readKooGalleryTime(expireTime, ctx, "orderInfo[0].expireTime") : undefined,
    extendParams: line.extendParams,
    isTest: isTestRequest(req),
  };
});

const v2Activities: Record<V2SaasActivity, SaasActivity> = {
  newInstance: defineActivity({
    schema: v2NewInstance,
    act: provisionInstance,
    writes: "one-statement",
    retryWindow: retryWindowOf("newInstance", "V2"),
    answer: "instance",
  }),
  refreshInstance: defineActivity({
    schema: v2SaasSchemas.refreshInstance.transform((req, ctx) => ({
      instanceId: req.instanceId,
      orderId: req.orderId,
      orderLineId: req.orderLineId,
      scene: req.scene,
      productId: req.productId,
      expireAt: readKooGalleryTime(req.expireTime, ctx, "expireTime"),
      isTest: isTestRequest(req),
    })),
    act: refreshInstance,
    retryWindow: retryWindowOf("refreshInstance", "V2"),
  }),
  updateInstanceStatus: defineActivity({
    schema: v2SaasSchemas.updateInstanceStatus.transform((req) => ({
      instanceId: req.instanceId,
      action: req.status,
      reason: "status" as const,
      isTest: isTestRequest(req),
    })),
    act: changeInstanceStatus,
  }),
  releaseInstance: defineActivity({
    schema: v2SaasSchemas.releaseInstance.transform((req) => ({
      instanceId: req.instanceId,
      orderId: req.orderId,
      orderLineId: req.orderLineId,
      isTest: isTestRequest(req),
    })),
    act: releaseInstance,
    retryWindow: retryWindowOf("releaseInstance", "V2"),
  }),
  queryInstance: defineActivity({
    schema: v2SaasSchemas.queryInstance.transform((req) => ({ instanceIds: splitInstanceIds(req.instanceId), isTest: isTestRequest(req) })),
    act: queryInstances,
    writes: "one-statement",
    answer: "instances",
  }),
  upgradeInstance: defineActivity({
    schema: v2SaasSchemas.upgradeInstance.transform((req) => ({
      instanceId: req.instanceId,
      orderId: req.orderId,
      orderLineId: req.orderLineId,
      isTest: isTestRequest(req),
    })),
    act: upgradeInstance,
    retryWindow: retryWindowOf("upgradeInstance", "V2"),
  }),
  orderNotify: defineActivity({
    schema: v2SaasSchemas.orderNotify.transform((req) => ({ orderId: req.orderId, orderLineId: req.orderLineId, isTest: isTestRequest(req) })),
    act: notifyOrder,
  }),
};

// ---------------------------------------------------------------- V1

function v1RefreshScene(req: { trialToFormal?: string; orderAmount?: string }): RefreshScene {
  if (req.trialToFormal === "1") return "TRIAL_TO_FORMAL";
  // protocol:saas-interface.md#v1-refreshinstance: a negative amount is a 退续费 (renewal period refunded).
  if (req.orderAmount !== undefined && Number(req.orderAmount) < 0) return "UNSUBSCRIBE_RENEWAL_PERIOD";
  return "RENEWAL";
}

const isV1Test = (req: { testFlag?: string }) => req.testFlag === "1";

const v1Activities: Record<V1SaasActivity, SaasActivity> = {
  newInstance: defineActivity({
    schema: v1SaasSchemas.newInstance.transform((req, ctx) => ({
      orderId: req.orderId,
      businessId: req.businessId,
      productId: req.productId,
      skuCode: req.skuCode,
      chargingMode: req.chargingMode,
      customerId: req.customerId,
      customerName: req.customerName,
      isTrial: req.trialFlag === "1",
      isOnDemand: req.chargingMode === "0",
      expireAt: req.expireTime ? readKooGalleryTime(req.expireTime, ctx, "expireTime") : undefined,
      extendParams: readExtendParams(req.saasExtendParams, ctx),
      isTest: isV1Test(req),
    })),
    act: provisionInstance,
    writes: "one-statement",
    retryWindow: retryWindowOf("newInstance", "V1"),
    answer: "instance",
  }),
  refreshInstance: defineActivity({
    schema: v1SaasSchemas.refreshInstance.transform((req, ctx) => ({
      instanceId: req.instanceId,
      orderId: req.orderId,
      scene: v1RefreshScene(req),
      productId: req.productId,
      expireAt: readKooGalleryTime(req.expireTime, ctx, "expireTime"),
      isTest: isV1Test(req),
    })),
    act: refreshInstance,
    retryWindow: retryWindowOf("refreshInstance", "V1"),
  }),
  expireInstance: defineActivity({
    schema: v1SaasSchemas.expireInstance.transform((req) => ({
      instanceId: req.instanceId,
      action: "FREEZE" as const,
      reason: "expiry" as const,
      orderId: req.orderId,
      isTest: isV1Test(req),
    })),
    act: changeInstanceStatus,
    retryWindow: retryWindowOf("expireInstance", "V1"),
  }),
  instanceStatus: defineActivity({
    schema: v1SaasSchemas.instanceStatus.transform((req) => ({
      instanceId: req.instanceId,
      action: req.instanceStatus === "FREEZE" ? ("FREEZE" as const) : ("UNFREEZE" as const),
      reason: "status" as const,
      isTest: isV1Test(req),
    })),
    act: changeInstanceStatus,
  }),
  releaseInstance: defineActivity({
    schema: v1SaasSchemas.releaseInstance.transform((req) => ({ instanceId: req.instanceId, orderId: req.orderId, isTest: isV1Test(req) })),
    act: releaseInstance,
    retryWindow: retryWindowOf("releaseInstance", "V1"),
  }),
  upgrade: defineActivity({
    schema: v1SaasSchemas.upgrade.transform((req, ctx) => ({
      instanceId: req.instanceId,
      orderId: req.orderId,
      productId: req.productId,
      skuCode: req.skuCode,
      extendParams: readExtendParams(req.saasExtendParams, ctx),
      isTest: isV1Test(req),
    })),
    act: upgradeInstance,
    retryWindow: retryWindowOf("upgrade", "V1"),
  }),
  queryInstance: defineActivity({
    schema: v1SaasSchemas.queryInstance.transform((req) => ({ instanceIds: splitInstanceIds(req.instanceId), isTest: isV1Test(req) })),
    act: queryInstances,
    writes: "one-statement",
    answer: "instances",
  }),
};

export const saasActivities = { V1: v1Activities, V2: v2Activities } as const;
