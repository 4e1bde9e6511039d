-- Fewer index entries per event: every newInstance with an enabled endpoint writes an event and a
-- delivery, and a delivery is updated once more when it is recorded (bench section merchant-events).

-- DropIndex
-- The portal's type filter reads the occurredAt index and filters: event types are few.
DROP INDEX "MerchantEvent_type_occurredAt_idx";

-- DropIndex
-- Replaced by the partial indexes below: a delivered row, most of them, no longer has an entry.
DROP INDEX "WebhookDelivery_status_nextAttemptAt_idx";

-- CreateIndex
-- The full claim: due pending deliveries, oldest first (lib/events/deliver-events.ts).
CREATE INDEX "WebhookDelivery_nextAttemptAt_pending_idx" ON "WebhookDelivery"("nextAttemptAt") WHERE "status" = 'PENDING';

-- CreateIndex
-- The endpoints' failed counts and the bulk resend of failed deliveries (lib/events/webhook-endpoints.ts, resend.ts).
CREATE INDEX "WebhookDelivery_endpointId_failed_idx" ON "WebhookDelivery"("endpointId") WHERE "status" = 'FAILED';
