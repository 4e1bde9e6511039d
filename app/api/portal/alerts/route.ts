// GET /api/portal/alerts: alerts newest first with what was sent to which channel (staff; ?status=open|resolved&cursor=),
// each in the reader's language and zone.
import { getLocale, getTimeZone } from "next-intl/server";
import { requireAlertsReader } from "@/lib/alerts/alerts-access";
import { listAlerts } from "@/lib/alerts/manage-alerts";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { DEFAULT_LOCALE, isLocale } from "@/lib/i18n/config";
import { enumParam, portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  requireAlertsReader(viewer);
  const status = enumParam(req, "status", ["open", "resolved"] as const);
  const cursor = req.nextUrl.searchParams.get("cursor") ?? undefined;
  const [locale, timeZone] = await Promise.all([getLocale(), getTimeZone()]);
  return listAlerts(await getDb(), getEnv(), { status, cursor, reader: { locale: isLocale(locale) ? locale : DEFAULT_LOCALE, timeZone } });
});
