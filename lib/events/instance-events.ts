// The `data` of each instance and order event (docs/merchant-events.md), as
// types: one place that says what a receiver gets. Every instance event
// carries the instance as it is after the change (`instance`), so a receiver
// acts on it without calling back; secrets (the initial admin password) are
// never in it.
import type { Instance, InstanceState, ProvisionStatus } from "@/lib/generated/prisma/client";
import type { MerchantEventInput } from "@/lib/events/outbox";
import type { INSTANCE_EVENT_TYPES } from "@/lib/events/event-types";
import type { RefreshScene } from "@/lib/instances/types";

/** The instance after the change. Times are ISO-8601 UTC. */
export type InstanceSnapshot = {
  instanceId: string;
  /** The purchase order that created the instance. */
  orderId: string;
  orderLineId: string | null;
  productId: string | null;
  skuCode: string | null;
  chargingMode: string | null;
  customerId: string | null;
  customerName: string | null;
  state: InstanceState;
  provisionStatus: ProvisionStatus;
  isTrial: boolean;
  expireAt: string | null;
};

/** The instance columns a snapshot is read from. */
export type SnapshotSource = Pick<
  Instance,
  | "id"
  | "orderId"
  | "orderLineId"
  | "productId"
  | "skuCode"
  | "chargingMode"
  | "customerId"
  | "customerName"
  | "state"
  | "provisionStatus"
  | "isTrial"
  | "isTest"
  | "expireAt"
>;

/** Who asked for a freeze or unfreeze: KooGallery's call, or merchant staff in the portal. */
export type StatusChangedBy = "koogallery" | "staff";

export type InstanceEventData = {
  /** Provisioned and usable (the builtin adapter at once; the HTTP adapter when the merchant's provisioning call succeeded). */
  "instance.created": {
    adapter: string;
    /** Where the customer and its administrator sign in, as provisioned; never the initial password. */
    appInfo: { frontEndUrl: string | null; adminUrl: string | null; adminUserName: string | null };
  };
  /** A renewal (or a renewal period refunded, or a renewal change): the new expiry. */
  "instance.renewed": {
    orderId: string;
    orderLineId: string | null;
    scene: Exclude<RefreshScene, "TRIAL_TO_FORMAL">;
    expireAt: string;
    previousExpireAt: string | null;
  };
  /** A trial turned into a paid subscription. */
  "instance.trial_converted": { orderId: string; orderLineId: string | null; expireAt: string; previousExpireAt: string | null };
  "instance.frozen": { previousState: InstanceState; by: StatusChangedBy };
  "instance.unfrozen": { previousState: InstanceState; by: StatusChangedBy };
  /**
   * A new specification. `productId`/`skuCode` are the instance's after the
   * upgrade; when KooGallery's call did not carry them (V2), `isSpecPending`
   * is true and they are the previous ones until the order's details arrive
   * (lib/orders/fetch-order-details.ts then sends a second one with the spec).
   */
  "instance.upgraded": {
    orderId: string;
    orderLineId: string | null;
    productId: string | null;
    skuCode: string | null;
    previousProductId: string | null;
    previousSkuCode: string | null;
    isSpecPending: boolean;
  };
  "instance.released": { previousState: InstanceState; orderId: string | null; orderLineId: string | null };
  /** V1 expireInstance: the instance expired and is frozen (handle it as instance.frozen). */
  "instance.expired": { previousState: InstanceState; orderId: string | null };
};

type InstanceEventType = (typeof INSTANCE_EVENT_TYPES)[number];

/** What the receiver gets for an instance event: the type's own fields, the instance id, and the instance after the change. */
export type InstanceEventPayload<T extends InstanceEventType> = { instanceId: string } & InstanceEventData[T] & { instance: InstanceSnapshot };

export function instanceSnapshot(row: SnapshotSource): InstanceSnapshot {
  return {
    instanceId: row.id,
    orderId: row.orderId,
    orderLineId: row.orderLineId,
    productId: row.productId,
    skuCode: row.skuCode,
    chargingMode: row.chargingMode,
    customerId: row.customerId,
    customerName: row.customerName,
    state: row.state,
    provisionStatus: row.provisionStatus,
    isTrial: row.isTrial,
    expireAt: row.expireAt?.toISOString() ?? null,
  };
}

/**
 * An instance event about `row` as it is after the change. It is test data
 * when the call was a test call or the instance is a test instance.
 */
export function instanceEvent<T extends InstanceEventType>(
  type: T,
  row: SnapshotSource,
  data: InstanceEventData[T],
  at: Date,
  opts: { isTestCall?: boolean } = {},
): MerchantEventInput {
  const payload: InstanceEventPayload<T> = Object.assign({ instanceId: row.id }, data, { instance: instanceSnapshot(row) });
  return { type, subject: { kind: "instance", id: row.id }, isTest: row.isTest || opts.isTestCall === true, data: payload, occurredAt: at };
}

/** instance.created for an instance whose app info is stored (`row`'s columns, never the password). */
export function instanceCreatedEvent(
  row: SnapshotSource & Pick<Instance, "frontEndUrl" | "adminUrl" | "adminUserName">,
  adapter: string,
  at: Date,
): MerchantEventInput {
  const appInfo = { frontEndUrl: row.frontEndUrl, adminUrl: row.adminUrl, adminUserName: row.adminUserName };
  return instanceEvent("instance.created", row, { adapter, appInfo }, at);
}

/** The event for an order applied by refreshInstance: a trial converted, or a renewal of some scene. */
export function refreshedEvent(
  row: SnapshotSource,
  order: { orderId: string; orderLineId?: string; scene: RefreshScene; expireAt: Date; previousExpireAt: Date | null; isTest: boolean },
  at: Date,
): MerchantEventInput {
  const common = {
    orderId: order.orderId,
    orderLineId: order.orderLineId ?? null,
    expireAt: order.expireAt.toISOString(),
    previousExpireAt: order.previousExpireAt?.toISOString() ?? null,
  };
  const opts = { isTestCall: order.isTest };
  if (order.scene === "TRIAL_TO_FORMAL") return instanceEvent("instance.trial_converted", row, common, at, opts);
  return instanceEvent("instance.renewed", row, Object.assign({ scene: order.scene }, common), at, opts);
}

/** order.notified: KooGallery's notice of an order (of any product type). */
export type OrderNotifiedData = {
  orderId: string;
  orderLineId: string | null;
  /** The instance the order belongs to, when the portal has it. */
  instanceId: string | null;
  /** Whether the portal reads the order's details from KooGallery: PENDING (queued), SKIPPED (test order), NOT_CONFIGURED (no AK/SK). */
  detailFetch: string;
};

/** The subject is the order's instance, or the order id itself when no instance has it (an order of another product type). */
export function orderNotifiedEvent(data: OrderNotifiedData, isTest: boolean, at: Date): MerchantEventInput {
  return { type: "order.notified", subject: { kind: "instance", id: data.instanceId ?? data.orderId }, isTest, data, occurredAt: at };
}
