// GET /api/portal/instances/export.csv: the same filtered instances as CSV, streamed in keyset batches (never app info or secrets),
// with headers in the requester's language and times in their zone (next-intl's, as on the pages), and the times again in UTC.
import { getTimeZone, getTranslations } from "next-intl/server";
import { instanceScope } from "@/lib/access/instance-scope";
import { getDb } from "@/lib/db";
import { getTimeFormat } from "@/lib/i18n/server-format";
import { CSV_COLUMNS, exportInstancesCsv, parseInstanceQuery, type CsvColumn } from "@/lib/instances/list-instances";
import { csvResponse } from "@/lib/portal/csv-response";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  // Parsed and checked before the first byte, so a bad filter is a JSON 400, not a broken file.
  const { cursor: _cursor, limit: _limit, ...filter } = parseInstanceQuery(req.nextUrl.searchParams);
  const [t, format, zone] = await Promise.all([getTranslations("instances.csv.columns"), getTimeFormat(), getTimeZone()]);
  const headers = Object.fromEntries(CSV_COLUMNS.map((c) => [c, t(c, { zone })])) as Record<CsvColumn, string>;
  const db = await getDb();
  return csvResponse(exportInstancesCsv(db, await instanceScope(viewer, db), filter, { headers, time: format.time }), "instances");
});
