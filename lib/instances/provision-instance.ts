// newInstance: create the instance for an order exactly once. The unique
// orderKey decides, not a prior read: 50 concurrent duplicates insert one row
// and all answer its id (the first request's businessId).
//
// All writes of a new instance (instance, history, order, jobs, and the
// merchant's instance.created event when the builtin adapter provisioned it
// inline) are ONE statement, which the pipeline completes with the call's
// nonce claim and log row: atomic without an interactive transaction, one
// round trip (ADR 0004). An instance provisioned by a job is announced when
// the job succeeds (complete-provisioning.ts).
import { randomUUID } from "node:crypto";
import type { Env } from "@/lib/env";
import type { Instance } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { insertSql, rawSql, type Sql } from "@/lib/sql/insert-sql";
import type { InsertRow } from "@/lib/sql/insert-row";
import { jobInsertRow, type EnqueueInput } from "@/lib/jobs/queue";
import { instanceCreatedEvent } from "@/lib/events/instance-events";
import { eventCtes } from "@/lib/events/outbox";
import { appInfoColumns, readAppInfo } from "@/lib/instances/app-info";
import { instanceOrderKey, orderActionKey } from "@/lib/instances/order-key";
import { isProvisioningFailureAlerted } from "@/lib/alerts/raise-alert";
import type { NewInstanceCommand, SaasContext, SaasOutcome } from "@/lib/instances/types";

/** The job that provisions an instance through a non-inline adapter (also what a staff re-run queues again). */
export function provisionJob(instanceId: string): EnqueueInput & { dedupeKey: string } {
  return { kind: "provision-instance", payload: { instanceId }, dedupeKey: `provision:${instanceId}` };
}

export function fetchOrderJob(orderKey: string, orderId: string, orderLineId?: string): EnqueueInput {
  return { kind: "fetch-order", payload: { orderKey, orderId, orderLineId: orderLineId ?? null }, dedupeKey: `fetch-order:${orderKey}` };
}

/**
 * Whether an order's details are fetched in the background: never for test
 * orders, and not without AK/SK (the order says NOT_CONFIGURED instead of
 * queueing work that cannot succeed).
 */
export function orderFetchPlan(env: Env, isTest: boolean): { fetchStatus: string; shouldFetch: boolean } {
  if (isTest) return { fetchStatus: "SKIPPED", shouldFetch: false };
  if (!env.ak || !env.sk) return { fetchStatus: "NOT_CONFIGURED", shouldFetch: false };
  return { fetchStatus: "PENDING", shouldFetch: true };
}

/**
 * The answer for an instance that exists: ready, still provisioning, or failed.
 * `isAlerted`: staff were told of the failure (isProvisioningFailureAlerted), the only case the answer may say so.
 */
export function outcomeForInstance(
  env: Env,
  row: Pick<
    Instance,
    | "id"
    | "orderId"
    | "orderLineId"
    | "isTest"
    | "provisionStatus"
    | "provisionError"
    | "frontEndUrl"
    | "adminUrl"
    | "adminUserName"
    | "adminPasswordEnc"
    | "memo"
  >,
  note: string,
  isAlerted = false,
): SaasOutcome {
  const links = { instanceId: row.id, orderId: row.orderId, orderLineId: row.orderLineId ?? undefined };
  if (row.provisionStatus === "FAILED") {
    const failedNote = `${note}; provisioning had failed: ${row.provisionError ?? "unknown"}`;
    const resultMsg = isAlerted ? "provisioning failed at the merchant, who has been alerted" : "provisioning failed at the merchant";
    return instanceOutcome(ResultCode.INTERNAL_ERROR, resultMsg, row.id, links, row.isTest, failedNote);
  }
  if (row.provisionStatus === "PENDING") return pendingOutcome(row.id, links, row.isTest, note);
  return instanceOutcome(ResultCode.SUCCESS, "success", row.id, links, row.isTest, note, { appInfo: readAppInfo(row, env.encryptionKey) });
}

function instanceOutcome(
  resultCode: string,
  resultMsg: string,
  instanceId: string,
  links: SaasOutcome["links"],
  isTest: boolean,
  note: string,
  extra?: Pick<SaasOutcome, "appInfo" | "pendingProvisioning">,
): SaasOutcome {
  return Object.assign({ resultCode, resultMsg, instanceId, links, isTest, note }, extra);
}

/** The answer while a provisioning job runs: 000004, KooGallery then polls queryInstance. */
function pendingOutcome(instanceId: string, links: SaasOutcome["links"], isTest: boolean, note: string): SaasOutcome {
  return instanceOutcome(ResultCode.IN_PROGRESS, "instance is being provisioned", instanceId, links, isTest, note, { pendingProvisioning: true });
}

/** The instance as the statement inserts it with inline app info, for its instance.created event. */
function createdRow(id: string, cmd: NewInstanceCommand, app: ReturnType<typeof appInfoColumns>): Parameters<typeof instanceCreatedEvent>[0] {
  return {
    id,
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId ?? null,
    productId: cmd.productId ?? null,
    skuCode: cmd.skuCode ?? null,
    chargingMode: cmd.chargingMode ?? null,
    customerId: cmd.customerId ?? null,
    customerName: cmd.customerName ?? null,
    state: "ACTIVE",
    provisionStatus: "DONE",
    isTrial: cmd.isTrial,
    isTest: cmd.isTest,
    expireAt: cmd.expireAt ?? null,
    frontEndUrl: app.frontEndUrl,
    adminUrl: app.adminUrl,
    adminUserName: app.adminUserName,
  };
}

const INSERTED_ID = rawSql(`(SELECT id FROM ins) AS "insertedId"`);

export async function provisionInstance(ctx: SaasContext, cmd: NewInstanceCommand): Promise<SaasOutcome> {
  const { env, adapter } = ctx;
  const orderKey = instanceOrderKey(cmd);
  const now = new Date();
  // An absent optional field is written as NULL (insertSql writes undefined so).
  const base = {
    orderKey,
    generation: { enumType: "Generation", value: ctx.generation },
    orderId: cmd.orderId,
    orderLineId: cmd.orderLineId,
    productId: cmd.productId,
    skuCode: cmd.skuCode,
    chargingMode: cmd.chargingMode,
    customerId: cmd.customerId,
    customerName: cmd.customerName,
    isTrial: cmd.isTrial,
    isTest: cmd.isTest,
    expireAt: cmd.expireAt ?? null,
    extendParams: { json: cmd.extendParams ?? null },
    provisionAdapter: adapter.name,
    createdAt: now,
    updatedAt: now,
  } satisfies Partial<InsertRow<"Instance">>;

  /** Inserts the instance under `id` with its history, order and jobs; nothing when the order (or the id) exists. */
  const insertOnce = async (id: string): Promise<{ insertedId: string | null; outcome: SaasOutcome }> => {
    const appInfo = adapter.isInline
      ? await adapter.provision(Object.assign({}, cmd, { instanceId: id, orderLineId: cmd.orderLineId ?? null, expireAt: cmd.expireAt ?? null }))
      : undefined;
    const links = { instanceId: id, orderId: cmd.orderId, orderLineId: cmd.orderLineId };
    const outcome: SaasOutcome = appInfo
      ? instanceOutcome(ResultCode.SUCCESS, "success", id, links, cmd.isTest, "created and provisioned", { appInfo })
      : pendingOutcome(id, links, cmd.isTest, `created; provisioning through the ${adapter.name} adapter in the background`);
    if (id !== cmd.businessId) outcome.note += " (businessId already in use: new instanceId)";
    const appColumns = appInfo ? appInfoColumns(appInfo, env.encryptionKey) : undefined;
    const provisioned: Partial<InsertRow<"Instance">> = appColumns
      ? Object.assign(
          {
            state: { enumType: "InstanceState", value: "ACTIVE" },
            provisionStatus: { enumType: "ProvisionStatus", value: "DONE" },
            provisionedAt: now,
          } satisfies Partial<InsertRow<"Instance">>,
          appColumns,
        )
      : {};
    const newOrderKey = orderActionKey("NEW", cmd.orderId, cmd.orderLineId ?? cmd.productId);
    const jobs: EnqueueInput[] = [];
    if (!appInfo) jobs.push(provisionJob(id));
    const fetchPlan = orderFetchPlan(env, cmd.isTest);
    if (fetchPlan.shouldFetch) jobs.push(fetchOrderJob(newOrderKey, cmd.orderId, cmd.orderLineId));

    // The instance is inserted only past the pipeline's gate (a fresh nonce), and the rest only with it.
    // Rows are composed with Object.assign, not spreads: V8 (Node 20) builds spread-composed literals on a slow path.
    const detail =
      id === cmd.businessId
        ? { adapter: adapter.name, businessId: cmd.businessId }
        : { adapter: adapter.name, businessId: cmd.businessId, businessIdInUse: true };
    const ctes: Array<[string, Sql]> = [
      ["ins", insertSql("Instance", Object.assign({ id }, base, provisioned), { from: ctx.statement.gate, onConflictDoNothing: true, returning: "id" })],
      [
        "ev",
        insertSql(
          "InstanceEvent",
          {
            id: randomUUID(),
            instanceId: id,
            kind: appInfo ? "CREATED_AND_PROVISIONED" : "CREATED",
            toState: { enumType: "InstanceState", value: appInfo ? "ACTIVE" : "PROVISIONING" },
            orderId: cmd.orderId,
            orderLineId: cmd.orderLineId ?? null,
            callbackLogId: ctx.callbackLogId,
            actor: ctx.actor,
            detail: { json: detail },
            createdAt: now,
          },
          { from: "ins" },
        ),
      ],
      [
        "ord",
        insertSql(
          "Order",
          {
            id: randomUUID(),
            orderKey: newOrderKey,
            orderId: cmd.orderId,
            orderLineId: cmd.orderLineId ?? null,
            instanceId: id,
            kind: "NEW",
            isTest: cmd.isTest,
            createdAt: now,
            fetchStatus: fetchPlan.fetchStatus,
          },
          { from: "ins", onConflictDoNothing: true },
        ),
      ],
    ];
    jobs.forEach((job, i) => ctes.push([`job${i}`, insertSql("Job", jobInsertRow(job, now), { from: "ins", onConflictDoNothing: true })]));
    // Provisioned and usable now: the merchant's event, written only when `ins` inserted the instance.
    if (appColumns)
      ctes.push(
        ...eventCtes([instanceCreatedEvent(createdRow(id, cmd, appColumns), adapter.name, now)], now, {
          from: "ins",
          // The instance is new: its first event, claimed as written when the statement commits on its own.
          handOver: ctx.statement.commitsOnRun,
        }),
      );
    const row = await ctx.statement.run<{ insertedId: string | null }>(ctes, INSERTED_ID, { outcome, loggedAfter: "ins" });
    return { insertedId: row.insertedId ?? null, outcome };
  };

  const first = await insertOnce(cmd.businessId);
  if (first.insertedId) return first.outcome;

  // Nothing inserted: the order exists (a repeat, maybe concurrent), or the
  // businessId is already another order's instanceId.
  const winner = await ctx.tx.instance.findUnique({ where: { orderKey } });
  if (winner) {
    const isAlerted = winner.provisionStatus === "FAILED" && (await isProvisioningFailureAlerted(ctx.tx, winner.id));
    return outcomeForInstance(env, winner, "repeat of an existing order: same instance, no effect", isAlerted);
  }
  const second = await insertOnce(randomUUID());
  if (!second.insertedId) throw new Error("instance insert conflicted twice");
  return second.outcome;
}
