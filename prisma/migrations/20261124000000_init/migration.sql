-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "Generation" AS ENUM ('V1', 'V2');

-- CreateEnum
CREATE TYPE "InstanceState" AS ENUM ('PROVISIONING', 'ACTIVE', 'FROZEN', 'RELEASED');

-- CreateEnum
CREATE TYPE "ProvisionStatus" AS ENUM ('PENDING', 'DONE', 'FAILED');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('PENDING', 'RUNNING', 'DONE', 'DEAD');

-- CreateTable
CREATE TABLE "Instance" (
    "id" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "generation" "Generation" NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderLineId" TEXT,
    "productId" TEXT,
    "skuCode" TEXT,
    "customerId" TEXT,
    "customerName" TEXT,
    "chargingMode" TEXT,
    "state" "InstanceState" NOT NULL DEFAULT 'PROVISIONING',
    "provisionStatus" "ProvisionStatus" NOT NULL DEFAULT 'PENDING',
    "provisionError" TEXT,
    "provisionAdapter" TEXT NOT NULL,
    "isTrial" BOOLEAN NOT NULL DEFAULT false,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "expireAt" TIMESTAMP(3),
    "frontEndUrl" TEXT,
    "adminUrl" TEXT,
    "adminUserName" TEXT,
    "adminPasswordEnc" TEXT,
    "memo" TEXT,
    "extendParams" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "provisionedAt" TIMESTAMP(3),
    "frozenAt" TIMESTAMP(3),
    "releasedAt" TIMESTAMP(3),

    CONSTRAINT "Instance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "InstanceEvent" (
    "id" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fromState" "InstanceState",
    "toState" "InstanceState",
    "orderId" TEXT,
    "orderLineId" TEXT,
    "callbackLogId" TEXT,
    "actor" TEXT NOT NULL DEFAULT 'koogallery',
    "detail" JSONB,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "InstanceEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Order" (
    "id" TEXT NOT NULL,
    "orderKey" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "orderLineId" TEXT,
    "instanceId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "fetchStatus" TEXT NOT NULL DEFAULT 'PENDING',
    "fetchedAt" TIMESTAMP(3),
    "fetchError" TEXT,
    "orderType" TEXT,
    "customerId" TEXT,
    "customerName" TEXT,
    "productId" TEXT,
    "skuCode" TEXT,
    "chargingMode" TEXT,
    "periodType" TEXT,
    "periodNumber" INTEGER,
    "amount" DECIMAL(20,4),
    "details" JSONB,

    CONSTRAINT "Order_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Nonce" (
    "nonce" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Nonce_pkey" PRIMARY KEY ("nonce")
);

-- CreateTable
CREATE TABLE "CallbackLog" (
    "id" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endpoint" TEXT NOT NULL,
    "generation" "Generation" NOT NULL,
    "activity" TEXT,
    "method" TEXT NOT NULL,
    "verification" TEXT NOT NULL,
    "verificationInfo" JSONB,
    "resultCode" TEXT NOT NULL,
    "resultMsg" TEXT,
    "latencyMs" INTEGER NOT NULL,
    "instanceId" TEXT,
    "orderId" TEXT,
    "orderLineId" TEXT,
    "tenantId" TEXT,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "requestMasked" JSONB NOT NULL,
    "responseMasked" TEXT,
    "requestSealed" TEXT,
    "handlerNote" TEXT,
    "retryOfId" TEXT,

    CONSTRAINT "CallbackLog_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Job" (
    "id" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "dedupeKey" TEXT,
    "payload" JSONB NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "maxAttempts" INTEGER NOT NULL DEFAULT 20,
    "runAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMP(3),
    "lockedBy" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "Job_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Instance_orderKey_key" ON "Instance"("orderKey");

-- CreateIndex
CREATE INDEX "Instance_state_createdAt_idx" ON "Instance"("state", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "Instance_orderId_idx" ON "Instance"("orderId");

-- CreateIndex
CREATE INDEX "Instance_customerId_idx" ON "Instance"("customerId");

-- CreateIndex
CREATE INDEX "Instance_createdAt_id_idx" ON "Instance"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "InstanceEvent_instanceId_createdAt_idx" ON "InstanceEvent"("instanceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Order_orderKey_key" ON "Order"("orderKey");

-- CreateIndex
CREATE INDEX "Order_orderId_idx" ON "Order"("orderId");

-- CreateIndex
CREATE INDEX "Order_instanceId_createdAt_idx" ON "Order"("instanceId", "createdAt");

-- CreateIndex
CREATE INDEX "Nonce_createdAt_idx" ON "Nonce"("createdAt");

-- CreateIndex
CREATE INDEX "CallbackLog_receivedAt_id_idx" ON "CallbackLog"("receivedAt" DESC, "id");

-- CreateIndex
CREATE INDEX "CallbackLog_activity_receivedAt_idx" ON "CallbackLog"("activity", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "CallbackLog_resultCode_receivedAt_idx" ON "CallbackLog"("resultCode", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "CallbackLog_instanceId_receivedAt_idx" ON "CallbackLog"("instanceId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "CallbackLog_orderId_idx" ON "CallbackLog"("orderId");

-- CreateIndex
CREATE INDEX "CallbackLog_retryOfId_idx" ON "CallbackLog"("retryOfId");

-- CreateIndex
CREATE UNIQUE INDEX "Job_dedupeKey_key" ON "Job"("dedupeKey");

-- CreateIndex
CREATE INDEX "Job_status_runAt_idx" ON "Job"("status", "runAt");

-- AddForeignKey
ALTER TABLE "InstanceEvent" ADD CONSTRAINT "InstanceEvent_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Order" ADD CONSTRAINT "Order_instanceId_fkey" FOREIGN KEY ("instanceId") REFERENCES "Instance"("id") ON DELETE CASCADE ON UPDATE CASCADE;
