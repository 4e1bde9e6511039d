// GET|POST /api/portal/alerts/channels: alert channels (staff read; owners add one, its secrets never shown again).
import { requireAlertsOwner, requireAlertsReader } from "@/lib/alerts/alerts-access";
import { createAlertChannel, listAlertChannels, newChannelSchema } from "@/lib/alerts/manage-alerts";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => {
  requireAlertsReader(viewer);
  return { items: await listAlertChannels(await getDb(), getEnv()) };
});

export const POST = portalRoute(async ({ req, viewer }) => {
  const owner = requireAlertsOwner(viewer);
  const input = await readJsonBody(req, newChannelSchema);
  const created = await createAlertChannel(await getDb(), getEnv(), input, owner.email);
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
