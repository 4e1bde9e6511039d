-- The Tenant↔Instance binding in a table of its own (ADR 0008): readers join
-- on it instead of rebuilding the binding from Tenant."instanceKey".
-- CreateTable
CREATE TABLE "TenantInstance" (
    "tenantRowId" TEXT NOT NULL,
    "instanceId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TenantInstance_pkey" PRIMARY KEY ("tenantRowId","instanceId")
);

-- CreateIndex
CREATE INDEX "TenantInstance_instanceId_idx" ON "TenantInstance"("instanceId");

-- AddForeignKey
ALTER TABLE "TenantInstance" ADD CONSTRAINT "TenantInstance_tenantRowId_fkey" FOREIGN KEY ("tenantRowId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Data move: every Tenant row synced for an instance is bound to it (rows of
-- credential-debugging syncs, instanceKey "", have no instance). Deleted rows
-- keep their binding: the tenant filter of the instance list still follows them.
INSERT INTO "TenantInstance" ("tenantRowId", "instanceId", "createdAt")
SELECT "id", "instanceKey", "createdAt" FROM "Tenant" WHERE "instanceKey" <> ''
ON CONFLICT DO NOTHING;
