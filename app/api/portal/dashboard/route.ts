// GET /api/portal/dashboard: the dashboard's figures (all for staff; a tenant admin's limited to their instances and tenant).
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { dashboardScopeOf, getDashboard } from "@/lib/portal/dashboard";
import { secretValuesOf } from "@/lib/portal/error-text";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => {
  const db = await getDb();
  return getDashboard(db, await dashboardScopeOf(db, viewer), { secrets: secretValuesOf(getEnv()) });
});
