// orderNotify (optional, any product type): remember the order and read its
// details in the background; the answer never waits for KooGallery.
import { ResultCode } from "@/lib/koogallery/result-codes";
import { enqueueJobs } from "@/lib/jobs/queue";
import { orderActionKey } from "@/lib/instances/order-key";
import { fetchOrderJob, orderFetchPlan } from "@/lib/instances/provision-instance";
import type { OrderNotifyCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

export async function notifyOrder(ctx: SaasContext, cmd: OrderNotifyCommand): Promise<SaasOutcome> {
  const links = { orderId: cmd.orderId, orderLineId: cmd.orderLineId };
  const plan = orderFetchPlan(ctx.env, cmd.isTest);
  if (plan.shouldFetch) await enqueueJobs(ctx.tx, [fetchOrderJob(orderActionKey("NOTIFY", cmd.orderId, cmd.orderLineId), cmd.orderId, cmd.orderLineId)]);
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: "success",
    links,
    isTest: cmd.isTest,
    note: plan.shouldFetch ? "order query queued" : `acknowledged (order query ${plan.fetchStatus.toLowerCase().replace("_", " ")})`,
  };
}
