// GET /api/portal/audit/export.csv: the same filtered audit trail as CSV, streamed in keyset batches, with headers and
// labels in the requester's language and times in their zone, and the times again in UTC.
import { getTimeZone, getTranslations } from "next-intl/server";
import { AUDIT_CSV_COLUMNS, auditFilterFromSearchParams, auditViewerScope, exportAuditCsv, type AuditCsvColumn } from "@/lib/audit/audit-reads";
import { isAuditAction } from "@/lib/audit/audit-actions";
import { getDb } from "@/lib/db";
import { getTimeFormat } from "@/lib/i18n/server-format";
import { csvResponse } from "@/lib/portal/csv-response";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const filter = auditFilterFromSearchParams(req.nextUrl.searchParams);
  const [t, format, zone] = await Promise.all([getTranslations("audit"), getTimeFormat(), getTimeZone()]);
  const headers = Object.fromEntries(AUDIT_CSV_COLUMNS.map((c) => [c, t(`csv.${c}`, { zone })])) as Record<AuditCsvColumn, string>;
  const db = await getDb();
  const scope = await auditViewerScope(db, viewer);
  return csvResponse(
    exportAuditCsv(db, scope, filter, {
      headers,
      time: format.time,
      actionLabel: (action) => (isAuditAction(action) ? t(`actions.${action}`) : action),
      outcomeLabel: (outcome) => (outcome === "refused" ? t("outcomes.refused") : t("outcomes.ok")),
    }),
    "audit",
  );
});
