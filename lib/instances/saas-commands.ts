// Reads a parsed V1 or V2 production-interface request into the domain's
// commands, and routes it to the verb that handles it.
import { CallbackError } from "@/lib/errors";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { decodeSaasExtendParams } from "@/lib/koogallery/saas-extend-params";
import { isTestRequest, splitInstanceIds, type V1Request, type V2BasicRequest } from "@/lib/koogallery/schemas";
import { changeInstanceStatus } from "@/lib/instances/change-instance-status";
import { notifyOrder } from "@/lib/instances/notify-order";
import { provisionInstance } from "@/lib/instances/provision-instance";
import { queryInstances } from "@/lib/instances/query-instances";
import { refreshInstance } from "@/lib/instances/refresh-instance";
import { releaseInstance } from "@/lib/instances/release-instance";
import { upgradeInstance } from "@/lib/instances/upgrade-instance";
import type { AtomicOptions, RefreshScene, SaasContext, SaasOutcome } from "@/lib/instances/types";

/** `yyyyMMddHHmmss` or `yyyyMMddHHmmssSSS`, UTC (SPEC §2.2, §14.14). */
export function parseKooGalleryTime(value: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(value);
  if (!m) throw new CallbackError(ResultCode.INVALID_PARAMS, "expireTime has an invalid format");
  const [, y, mo, d, h, mi, s, ms] = m;
  const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), Number(ms ?? 0)));
  if (date.getUTCMonth() !== Number(mo) - 1 || date.getUTCDate() !== Number(d)) {
    throw new CallbackError(ResultCode.INVALID_PARAMS, "expireTime is not a real date");
  }
  return date;
}

function decodeExtendParams(value: string | undefined): unknown {
  if (!value) return undefined;
  try {
    return decodeSaasExtendParams(value);
  } catch {
    throw new CallbackError(ResultCode.INVALID_PARAMS, "saasExtendParams is not Base64 of a JSON array of {name, value}");
  }
}

export async function dispatchV2(ctx: SaasContext, req: V2BasicRequest, atomic?: AtomicOptions): Promise<SaasOutcome> {
  const isTest = isTestRequest(req);
  switch (req.activity) {
    case "newInstance": {
      // §2.8 variant: the IDs sit in orderInfo[0]; the buyer in buyerInfo.
      const line = req.orderInfo?.[0];
      const orderId = req.orderId ?? line?.orderId;
      const businessId = req.businessId ?? line?.businessId;
      if (!orderId || !businessId) throw new CallbackError(ResultCode.INVALID_PARAMS, "orderId and businessId are required");
      const lineInfo = (line ?? {}) as Record<string, unknown>;
      const productInfo = Array.isArray(lineInfo.productInfo) ? (lineInfo.productInfo[0] as Record<string, unknown> | undefined) : undefined;
      const chargingMode = typeof lineInfo.chargingMode === "string" ? lineInfo.chargingMode : undefined;
      return provisionInstance(
        ctx,
        {
          orderId,
          orderLineId: req.orderLineId ?? line?.orderLineId,
          businessId,
          productId: typeof productInfo?.productId === "string" ? productInfo.productId : undefined,
          skuCode: typeof productInfo?.skuCode === "string" ? productInfo.skuCode : undefined,
          chargingMode,
          customerId: req.buyerInfo?.customerId,
          customerName: req.buyerInfo?.customerName,
          isTrial: lineInfo.trialFlag === "1" || lineInfo.trialFlag === 1,
          isOnDemand: chargingMode === "ON_DEMAND",
          expireAt: typeof lineInfo.expireTime === "string" && /^\d{14}$/.test(lineInfo.expireTime) ? parseKooGalleryTime(lineInfo.expireTime) : undefined,
          extendParams: lineInfo.extendParams,
          isTest,
        },
        atomic,
      );
    }
    case "refreshInstance":
      return refreshInstance(ctx, {
        instanceId: req.instanceId,
        orderId: req.orderId,
        orderLineId: req.orderLineId,
        scene: req.scene,
        productId: req.productId,
        expireAt: parseKooGalleryTime(req.expireTime),
        isTest,
      });
    case "updateInstanceStatus":
      return changeInstanceStatus(ctx, { instanceId: req.instanceId, action: req.status, reason: "status", isTest });
    case "releaseInstance":
      return releaseInstance(ctx, { instanceId: req.instanceId, orderId: req.orderId, orderLineId: req.orderLineId, isTest });
    case "queryInstance":
      return queryInstances(ctx, { instanceIds: splitInstanceIds(req.instanceId), isTest }, atomic);
    case "upgradeInstance":
      return upgradeInstance(ctx, { instanceId: req.instanceId, orderId: req.orderId, orderLineId: req.orderLineId, isTest });
    case "orderNotify":
      return notifyOrder(ctx, { orderId: req.orderId, orderLineId: req.orderLineId, isTest });
    default:
      throw new CallbackError(ResultCode.INVALID_PARAMS, `activity ${req.activity} is not served at this address`);
  }
}

function v1RefreshScene(req: Extract<V1Request, { activity: "refreshInstance" }>): RefreshScene {
  if (req.trialToFormal === "1") return "TRIAL_TO_FORMAL";
  // §3.2: a negative amount is a 退续费 (renewal period refunded).
  if (req.orderAmount !== undefined && Number(req.orderAmount) < 0) return "UNSUBSCRIBE_RENEWAL_PERIOD";
  return "RENEWAL";
}

export async function dispatchV1(ctx: SaasContext, req: V1Request, atomic?: AtomicOptions): Promise<SaasOutcome> {
  const isTest = req.testFlag === "1";
  switch (req.activity) {
    case "newInstance":
      return provisionInstance(
        ctx,
        {
          orderId: req.orderId,
          businessId: req.businessId,
          productId: req.productId,
          skuCode: req.skuCode,
          chargingMode: req.chargingMode,
          customerId: req.customerId,
          customerName: req.customerName,
          isTrial: req.trialFlag === "1",
          isOnDemand: req.chargingMode === "0",
          expireAt: req.expireTime ? parseKooGalleryTime(req.expireTime) : undefined,
          extendParams: decodeExtendParams(req.saasExtendParams),
          isTest,
        },
        atomic,
      );
    case "refreshInstance":
      return refreshInstance(ctx, {
        instanceId: req.instanceId,
        orderId: req.orderId,
        scene: v1RefreshScene(req),
        productId: req.productId,
        expireAt: parseKooGalleryTime(req.expireTime),
        isTest,
      });
    case "expireInstance":
      return changeInstanceStatus(ctx, { instanceId: req.instanceId, action: "FREEZE", reason: "expiry", orderId: req.orderId, isTest });
    case "instanceStatus":
      return changeInstanceStatus(ctx, {
        instanceId: req.instanceId,
        action: req.instanceStatus === "FREEZE" ? "FREEZE" : "UNFREEZE",
        reason: "status",
        isTest,
      });
    case "releaseInstance":
      return releaseInstance(ctx, { instanceId: req.instanceId, orderId: req.orderId, isTest });
    case "upgrade":
      return upgradeInstance(ctx, {
        instanceId: req.instanceId,
        orderId: req.orderId,
        productId: req.productId,
        skuCode: req.skuCode,
        extendParams: decodeExtendParams(req.saasExtendParams),
        isTest,
      });
    case "queryInstance":
      return queryInstances(ctx, { instanceIds: splitInstanceIds(req.instanceId), isTest }, atomic);
    default:
      throw new CallbackError(ResultCode.INVALID_PARAMS, `activity ${req.activity} is not served at this address`);
  }
}
