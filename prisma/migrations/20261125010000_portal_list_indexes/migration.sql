-- CreateIndex
CREATE INDEX "CallbackLog_tenantId_receivedAt_idx" ON "CallbackLog"("tenantId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "CallbackLog_verification_receivedAt_idx" ON "CallbackLog"("verification", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "Instance_productId_createdAt_idx" ON "Instance"("productId", "createdAt" DESC);
