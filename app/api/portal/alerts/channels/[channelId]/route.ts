// PATCH|DELETE /api/portal/alerts/channels/{id}: owners rename, re-configure (blank secrets kept), enable or delete a channel.
import { requireAlertsOwner } from "@/lib/alerts/alerts-access";
import { channelChangeSchema, deleteAlertChannel, updateAlertChannel } from "@/lib/alerts/manage-alerts";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const PATCH = portalRoute<{ channelId: string }>(async ({ req, viewer, params }) => {
  requireAlertsOwner(viewer);
  const change = await readJsonBody(req, channelChangeSchema);
  return updateAlertChannel(await getDb(), getEnv(), params.channelId, change);
});

export const DELETE = portalRoute<{ channelId: string }>(async ({ viewer, params }) => {
  requireAlertsOwner(viewer);
  return deleteAlertChannel(await getDb(), params.channelId);
});
