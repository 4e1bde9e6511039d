// Idempotency keys, enforced by unique constraints (Instance.orderKey, Order.orderKey).
// protocol:saas-interface.md#v2-newinstance, protocol:saas-interface.md#v1-newinstance: same orderId+orderLineId ⇒ same instance; V1 has no order line
// (orderId alone); on-demand products get one instance per orderId+productId.
export function instanceOrderKey(c: { orderId: string; orderLineId?: string; productId?: string; isOnDemand: boolean }): string {
  if (c.isOnDemand && c.productId) return `${c.orderId}#product:${c.productId}`;
  if (c.orderLineId) return `${c.orderId}#line:${c.orderLineId}`;
  return c.orderId;
}

/** Renewals, upgrades and unsubscribes are idempotent per order (line) and purpose. */
export function orderActionKey(kind: string, orderId: string, orderLineId?: string): string {
  return `${kind}:${orderId}${orderLineId ? `#line:${orderLineId}` : ""}`;
}
