// POST /api/portal/webhooks/{id}/rotate: owners get a new secret (in this answer only); the old one signs beside it for 24 h.
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { requireWebhooksOwner } from "@/lib/events/events-access";
import { rotateWebhookSecret } from "@/lib/events/webhook-endpoints";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const POST = portalRoute<{ endpointId: string }>(async ({ viewer, params }) => {
  requireWebhooksOwner(viewer);
  return rotateWebhookSecret(await getDb(), getEnv(), params.endpointId);
});
