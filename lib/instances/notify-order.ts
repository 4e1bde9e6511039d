// orderNotify (optional, any product type): remember the order and read its
// details in the background; the answer never waits for KooGallery. The
// merchant is told order.notified once per order (line): a repeat of the
// notice sends nothing, checked under a lock on the order so that two copies
// arriving together cannot both send it.
import type { Tx } from "@/lib/db";
import { orderNotifiedEvent, type OrderNotifiedData } from "@/lib/events/instance-events";
import { writeEvents } from "@/lib/events/outbox";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { enqueueJobs } from "@/lib/jobs/queue";
import { orderActionKey } from "@/lib/instances/order-key";
import { fetchOrderJob, orderFetchPlan } from "@/lib/instances/provision-instance";
import type { OrderNotifyCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";
import { runSql, sql } from "@/lib/sql/insert-sql";

/** Writes order.notified unless this order (line) was already notified; true when written. */
async function notifyMerchantOnce(tx: Tx, cmd: OrderNotifyCommand, notifyKey: string, detailFetch: string): Promise<boolean> {
  await runSql(tx, sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(hashtext(${`order.notified:${notifyKey}`}))`);
  const order = await tx.order.findFirst({
    where: { orderId: cmd.orderId, ...(cmd.orderLineId ? { orderLineId: cmd.orderLineId } : {}) },
    orderBy: { createdAt: "asc" },
    select: { instanceId: true },
  });
  const data: OrderNotifiedData = { orderId: cmd.orderId, orderLineId: cmd.orderLineId ?? null, instanceId: order?.instanceId ?? null, detailFetch };
  const event = orderNotifiedEvent(data, cmd.isTest, new Date());
  const earlier = await tx.merchantEvent.findMany({ where: { type: "order.notified", subjectId: event.subject.id }, select: { data: true } });
  const isRepeat = earlier.some((e) => {
    const seen = e.data as Partial<OrderNotifiedData>;
    return seen.orderId === data.orderId && (seen.orderLineId ?? null) === data.orderLineId;
  });
  if (isRepeat) return false;
  await writeEvents(tx, [event], event.occurredAt);
  return true;
}

export async function notifyOrder(ctx: SaasContext, cmd: OrderNotifyCommand): Promise<SaasOutcome> {
  const links = { orderId: cmd.orderId, orderLineId: cmd.orderLineId };
  const notifyKey = orderActionKey("NOTIFY", cmd.orderId, cmd.orderLineId);
  const plan = orderFetchPlan(ctx.env, cmd.isTest);
  if (plan.shouldFetch) await enqueueJobs(ctx.tx, [fetchOrderJob(notifyKey, cmd.orderId, cmd.orderLineId)]);
  const isNotified = await notifyMerchantOnce(ctx.tx as Tx, cmd, notifyKey, plan.fetchStatus);
  const fetchNote = plan.shouldFetch ? "order query queued" : `acknowledged (order query ${plan.fetchStatus.toLowerCase().replace("_", " ")})`;
  return {
    resultCode: ResultCode.SUCCESS,
    resultMsg: "success",
    links,
    isTest: cmd.isTest,
    note: isNotified ? fetchNote : `${fetchNote}; repeat of a notified order: no new event`,
  };
}
