// newInstance: create the instance for an order exactly once. The unique
// orderKey decides, not a prior read: 50 concurrent duplicates insert one row
// and all answer its id (the first request's businessId).
import { randomUUID } from "node:crypto";
import { enqueueJobs, type EnqueueInput } from "@/lib/jobs/queue";
import type { Env } from "@/lib/env";
import type { Instance } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { appInfoColumns, readAppInfo } from "@/lib/instances/app-info";
import { instanceOrderKey, orderActionKey } from "@/lib/instances/order-key";
import type { NewInstanceCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export function fetchOrderJob(orderKey: string, orderId: string, orderLineId?: string): EnqueueInput {
  return { kind: "fetch-order", payload: { orderKey, orderId, orderLineId: orderLineId ?? null }, dedupeKey: `fetch-order:${orderKey}` };
}

/** The answer for an instance that exists: ready, still provisioning, or failed. */
export function outcomeForInstance(env: Env, row: Instance, note: string): SaasOutcome {
  const links = { instanceId: row.id, orderId: row.orderId, orderLineId: row.orderLineId ?? undefined };
  if (row.provisionStatus === "FAILED") {
    return {
      resultCode: ResultCode.INTERNAL_ERROR,
      resultMsg: "provisioning failed; the merchant has been alerted",
      instanceId: row.id,
      links,
      isTest: row.isTest,
      note: `${note}; provisioning had failed: ${row.provisionError ?? "unknown"}`,
    };
  }
  if (row.provisionStatus === "PENDING") {
    return {
      resultCode: ResultCode.IN_PROGRESS,
      resultMsg: "instance is being provisioned",
      instanceId: row.id,
      links,
      isTest: row.isTest,
      note,
      pendingProvisioning: true,
    };
  }
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: "success",
    instanceId: row.id,
    appInfo: readAppInfo(row, env.encryptionKey),
    links,
    isTest: row.isTest,
    note,
  };
}

export async function provisionInstance(ctx: SaasContext, cmd: NewInstanceCommand): Promise<SaasOutcome> {
  const { tx, env, adapter } = ctx;
  const orderKey = instanceOrderKey(cmd);
  let id = cmd.businessId;
  const base = {
    orderKey,
    generation: ctx.generation,
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId ?? null,
    productId: cmd.productId ?? null,
    skuCode: cmd.skuCode ?? null,
    chargingMode: cmd.chargingMode ?? null,
    customerId: cmd.customerId ?? null,
    customerName: cmd.customerName ?? null,
    isTrial: cmd.isTrial,
    isTest: cmd.isTest,
    expireAt: cmd.expireAt ?? null,
    extendParams: cmd.extendParams === undefined ? undefined : (cmd.extendParams as object),
    provisionAdapter: adapter.name,
  };
  const appInfo = adapter.isInline
    ? await adapter.provision({ ...base, instanceId: id, expireAt: cmd.expireAt, extendParams: cmd.extendParams })
    : undefined;
  const provisioned = appInfo
    ? { state: "ACTIVE" as const, provisionStatus: "DONE" as const, provisionedAt: new Date(), ...appInfoColumns(appInfo, env.encryptionKey) }
    : {};

  // ON CONFLICT DO NOTHING on both keys: a concurrent duplicate waits for the
  // first insert to commit and then inserts nothing.
  let inserted = await tx.instance.createMany({ data: [{ id, ...base, ...provisioned }], skipDuplicates: true });
  if (inserted.count === 0) {
    const winner = await tx.instance.findUnique({ where: { orderKey } });
    if (winner) return outcomeForInstance(env, winner, "repeat of an existing order: same instance, no effect");
    // businessId already used by another order: never hand out the same instanceId twice.
    id = randomUUID();
    inserted = await tx.instance.createMany({ data: [{ id, ...base, ...provisioned }], skipDuplicates: true });
    if (inserted.count === 0) throw new Error("instance insert conflicted twice");
  }

  await tx.instanceEvent.create({
    data: {
      instanceId: id,
      kind: appInfo ? "CREATED_AND_PROVISIONED" : "CREATED",
      toState: appInfo ? "ACTIVE" : "PROVISIONING",
      orderId: cmd.orderId,
      orderLineId: cmd.orderLineId ?? null,
      actor: ctx.actor, callbackLogId: ctx.callbackLogId ?? null,
      detail: { adapter: adapter.name, businessId: cmd.businessId, ...(id !== cmd.businessId ? { businessIdInUse: true } : {}) },
    },
  });
  const newOrderKey = orderActionKey("NEW", cmd.orderId, cmd.orderLineId ?? cmd.productId);
  await tx.order.createMany({
    data: [{ orderKey: newOrderKey, orderId: cmd.orderId, orderLineId: cmd.orderLineId ?? null, instanceId: id, kind: "NEW", isTest: cmd.isTest, fetchStatus: cmd.isTest ? "SKIPPED" : "PENDING" }],
    skipDuplicates: true,
  });
  const jobs: EnqueueInput[] = [];
  if (!appInfo) jobs.push({ kind: "provision-instance", payload: { instanceId: id }, dedupeKey: `provision:${id}` });
  if (!cmd.isTest) jobs.push(fetchOrderJob(newOrderKey, cmd.orderId, cmd.orderLineId));
  await enqueueJobs(tx, jobs);

  const links = { instanceId: id, orderId: cmd.orderId, orderLineId: cmd.orderLineId };
  if (!appInfo) {
    return {
      resultCode: ResultCode.IN_PROGRESS,
      resultMsg: "instance is being provisioned",
      instanceId: id,
      links,
      isTest: cmd.isTest,
      note: `created; provisioning through the ${adapter.name} adapter in the background`,
      pendingProvisioning: true,
    };
  }
  return { resultCode: ResultCode.SUCCESS, resultMsg: "success", instanceId: id, appInfo, links, isTest: cmd.isTest, note: "created and provisioned" };
}
