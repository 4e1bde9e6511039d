-- Ordering of KooGallery's calls (ADR 0006 "Ordering and re-applying"): the send
-- time of the last applied status change per instance, and of the last applied
-- Kit sync per tenant, kind and subject. Both hold UTC wall time, like every
-- timestamp(3) column here.
-- AlterTable
ALTER TABLE "Instance" ADD COLUMN     "statusSentAt" TIMESTAMP(3);

-- CreateTable
CREATE TABLE "SyncWatermark" (
    "tenantId" TEXT NOT NULL,
    "instanceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SyncWatermark_pkey" PRIMARY KEY ("tenantId","instanceKey","kind","subject")
);
