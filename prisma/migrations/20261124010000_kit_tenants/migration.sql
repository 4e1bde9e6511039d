-- CreateEnum
CREATE TYPE "GrantStatus" AS ENUM ('ACTIVE', 'REVOKED', 'DELETED');

-- CreateTable
CREATE TABLE "Tenant" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "instanceKey" TEXT NOT NULL,
    "orderId" TEXT,
    "tenantCode" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "domainName" TEXT NOT NULL,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Tenant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TenantApp" (
    "id" TEXT NOT NULL,
    "tenantRowId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "clientId" TEXT NOT NULL,
    "clientSecretEnc" TEXT,
    "oaepVariant" TEXT,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "deletedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TenantApp_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TenantUser" (
    "id" TEXT NOT NULL,
    "tenantRowId" TEXT NOT NULL,
    "appId" TEXT NOT NULL,
    "userName" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "orgCode" TEXT NOT NULL,
    "position" TEXT,
    "employeeCode" TEXT,
    "employeeType" INTEGER,
    "role" TEXT NOT NULL,
    "isEnabled" BOOLEAN NOT NULL,
    "mobile" TEXT,
    "email" TEXT,
    "workPlace" TEXT,
    "entryDate" TEXT,
    "status" "GrantStatus" NOT NULL DEFAULT 'ACTIVE',
    "isOrphaned" BOOLEAN NOT NULL DEFAULT false,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "lastSyncAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "TenantUser_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Department" (
    "id" TEXT NOT NULL,
    "tenantRowId" TEXT NOT NULL,
    "orgCode" TEXT NOT NULL,
    "orgName" TEXT NOT NULL,
    "parentCode" TEXT NOT NULL DEFAULT '',
    "parentId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Department_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SyncEvent" (
    "id" TEXT NOT NULL,
    "tenantRowId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "flag" INTEGER,
    "counts" JSONB NOT NULL,
    "diff" JSONB,
    "callbackLogId" TEXT,
    "isTest" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Tenant_tenantCode_idx" ON "Tenant"("tenantCode");

-- CreateIndex
CREATE INDEX "Tenant_createdAt_id_idx" ON "Tenant"("createdAt" DESC, "id");

-- CreateIndex
CREATE UNIQUE INDEX "Tenant_tenantId_instanceKey_key" ON "Tenant"("tenantId", "instanceKey");

-- CreateIndex
CREATE INDEX "TenantApp_clientId_idx" ON "TenantApp"("clientId");

-- CreateIndex
CREATE UNIQUE INDEX "TenantApp_tenantRowId_appId_key" ON "TenantApp"("tenantRowId", "appId");

-- CreateIndex
CREATE INDEX "TenantUser_tenantRowId_orgCode_idx" ON "TenantUser"("tenantRowId", "orgCode");

-- CreateIndex
CREATE INDEX "TenantUser_tenantRowId_userName_idx" ON "TenantUser"("tenantRowId", "userName");

-- CreateIndex
CREATE UNIQUE INDEX "TenantUser_tenantRowId_appId_userName_key" ON "TenantUser"("tenantRowId", "appId", "userName");

-- CreateIndex
CREATE INDEX "Department_tenantRowId_parentCode_idx" ON "Department"("tenantRowId", "parentCode");

-- CreateIndex
CREATE INDEX "Department_parentId_idx" ON "Department"("parentId");

-- CreateIndex
CREATE UNIQUE INDEX "Department_tenantRowId_orgCode_key" ON "Department"("tenantRowId", "orgCode");

-- CreateIndex
CREATE INDEX "SyncEvent_tenantRowId_createdAt_idx" ON "SyncEvent"("tenantRowId", "createdAt" DESC);

-- AddForeignKey
ALTER TABLE "TenantApp" ADD CONSTRAINT "TenantApp_tenantRowId_fkey" FOREIGN KEY ("tenantRowId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TenantUser" ADD CONSTRAINT "TenantUser_tenantRowId_fkey" FOREIGN KEY ("tenantRowId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_tenantRowId_fkey" FOREIGN KEY ("tenantRowId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Department" ADD CONSTRAINT "Department_parentId_fkey" FOREIGN KEY ("parentId") REFERENCES "Department"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SyncEvent" ADD CONSTRAINT "SyncEvent_tenantRowId_fkey" FOREIGN KEY ("tenantRowId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;
