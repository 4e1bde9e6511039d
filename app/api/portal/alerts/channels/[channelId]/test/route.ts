// POST /api/portal/alerts/channels/{id}/test: owners send a test message now and see whether it was accepted.
import { requireAlertsOwner } from "@/lib/alerts/alerts-access";
import { sendTestAlert } from "@/lib/alerts/manage-alerts";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const POST = portalRoute<{ channelId: string }>(async ({ viewer, params }) => {
  const owner = requireAlertsOwner(viewer);
  return sendTestAlert(await getDb(), getEnv(), params.channelId, owner.email);
});
