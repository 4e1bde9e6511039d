-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL DEFAULT 'ok',
    "actor" TEXT,
    "tenantId" TEXT,
    "instanceId" TEXT,
    "subjectType" TEXT,
    "subjectId" TEXT,
    "reason" TEXT,
    "detail" JSONB,
    "ip" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_createdAt_id_idx" ON "AuditEntry"("createdAt" DESC, "id");

-- CreateIndex
CREATE INDEX "AuditEntry_tenantId_createdAt_idx" ON "AuditEntry"("tenantId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "AuditEntry_instanceId_createdAt_idx" ON "AuditEntry"("instanceId", "createdAt" DESC);

-- The sign-in record moves into the audit trail: every SignInEvent row becomes a
-- "sign-in" (ok or refused) or "sign-out" entry, the method kept in detail.
INSERT INTO "AuditEntry" ("id", "action", "outcome", "actor", "tenantId", "reason", "detail", "ip", "createdAt")
SELECT "id",
       CASE WHEN "outcome" = 'signed-out' THEN 'sign-out' ELSE 'sign-in' END,
       CASE WHEN "outcome" = 'signed-out' THEN 'ok' ELSE "outcome" END,
       CASE WHEN "method" = 'staff' THEN 'staff:' ELSE 'buyer:' END || "subject",
       "tenantId", "reason", jsonb_build_object('method', "method"), "ip", "createdAt"
  FROM "SignInEvent";

-- Staff actions on instances were recorded on the instance's timeline (actor staff:<email>).
INSERT INTO "AuditEntry" ("id", "action", "actor", "instanceId", "subjectType", "subjectId", "reason", "createdAt")
SELECT "id",
       CASE "kind" WHEN 'staff-freeze' THEN 'instance.freeze' WHEN 'staff-unfreeze' THEN 'instance.unfreeze'
                   WHEN 'staff-reprovision' THEN 'instance.reprovision' ELSE 'instance.password-reveal' END,
       "actor", "instanceId", 'instance', "instanceId", "detail"->>'reason', "createdAt"
  FROM "InstanceEvent"
 WHERE "kind" IN ('staff-freeze', 'staff-unfreeze', 'staff-reprovision', 'app-info-revealed');

-- Staff re-runs of callbacks were recorded on the new log row (retryOfId, verificationInfo.actor).
INSERT INTO "AuditEntry" ("id", "action", "actor", "tenantId", "instanceId", "subjectType", "subjectId", "reason", "detail", "createdAt")
SELECT gen_random_uuid()::text, 'callback.retry', "verificationInfo"->>'actor', "tenantId", "instanceId", 'callback', "retryOfId",
       "verificationInfo"->>'reason', jsonb_build_object('logId', "id", 'resultCode', "resultCode"), "receivedAt"
  FROM "CallbackLog"
 WHERE "retryOfId" IS NOT NULL;

-- DropTable
DROP TABLE "SignInEvent";
