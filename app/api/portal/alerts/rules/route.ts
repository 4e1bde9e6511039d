// GET|PATCH /api/portal/alerts/rules: the alert rules with their settings (staff read; owners enable them and set thresholds).
import { requireAlertsOwner, requireAlertsReader } from "@/lib/alerts/alerts-access";
import { listAlertRules, ruleChangeSchema, updateAlertRule } from "@/lib/alerts/manage-alerts";
import { getDb } from "@/lib/db";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => {
  requireAlertsReader(viewer);
  return { items: await listAlertRules(await getDb()) };
});

export const PATCH = portalRoute(async ({ req, viewer }) => {
  const owner = requireAlertsOwner(viewer);
  const change = await readJsonBody(req, ruleChangeSchema);
  return { items: await updateAlertRule(await getDb(), change, owner.email) };
});
