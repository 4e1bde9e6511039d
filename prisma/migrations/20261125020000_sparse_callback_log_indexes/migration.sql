-- The callback log's sparse columns are indexed only where they are set: a SaaS
-- call has no tenant, a query or refused call no order, almost nothing is a
-- re-run. Every filter on them is an equality (or IS NOT NULL), which implies
-- the predicate, so the same queries use them; each callback inserts fewer
-- index entries (ADR 0004).
DROP INDEX "CallbackLog_tenantId_receivedAt_idx";
CREATE INDEX "CallbackLog_tenantId_receivedAt_idx" ON "CallbackLog"("tenantId", "receivedAt" DESC) WHERE "tenantId" IS NOT NULL;
DROP INDEX "CallbackLog_orderId_idx";
CREATE INDEX "CallbackLog_orderId_idx" ON "CallbackLog"("orderId") WHERE "orderId" IS NOT NULL;
DROP INDEX "CallbackLog_retryOfId_idx";
CREATE INDEX "CallbackLog_retryOfId_idx" ON "CallbackLog"("retryOfId") WHERE "retryOfId" IS NOT NULL;
