// The events the merchant's application receives (docs/merchant-webhooks.md).
// The names are a contract: receivers switch on them. Pure data, no server
// code, so portal pages can list them.

export const INSTANCE_EVENT_TYPES = [
  "instance.created",
  "instance.renewed",
  "instance.trial_converted",
  "instance.frozen",
  "instance.unfrozen",
  "instance.upgraded",
  "instance.released",
  "instance.expired",
] as const;

export const ORDER_EVENT_TYPES = ["order.notified"] as const;

export const KIT_EVENT_TYPES = ["tenant.synced", "application.synced", "users.synced", "org.synced"] as const;

export const MERCHANT_EVENT_TYPES = [...INSTANCE_EVENT_TYPES, ...ORDER_EVENT_TYPES, ...KIT_EVENT_TYPES] as const;

export type MerchantEventType = (typeof MERCHANT_EVENT_TYPES)[number];

export function isMerchantEventType(value: string): value is MerchantEventType {
  return (MERCHANT_EVENT_TYPES as readonly string[]).includes(value);
}

/** What deliveries are ordered by: events about one instance (or one tenant, for Kit events) arrive in the order they happened. */
export type EventSubject = { kind: "instance"; id: string } | { kind: "tenant"; id: string };

export function orderingKeyOf(subject: EventSubject): string {
  return `${subject.kind}:${subject.id}`;
}
