// PATCH|DELETE /api/portal/webhooks/{id}: owners rename, re-address, filter, enable or disable, or delete an endpoint.
import { getDb } from "@/lib/db";
import { requireWebhooksOwner } from "@/lib/events/events-access";
import { deleteWebhookEndpoint, endpointChangeSchema, updateWebhookEndpoint } from "@/lib/events/webhook-endpoints";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const PATCH = portalRoute<{ endpointId: string }>(async ({ req, viewer, params }) => {
  requireWebhooksOwner(viewer);
  const change = await readJsonBody(req, endpointChangeSchema);
  return updateWebhookEndpoint(await getDb(), params.endpointId, change);
});

export const DELETE = portalRoute<{ endpointId: string }>(async ({ viewer, params }) => {
  requireWebhooksOwner(viewer);
  return deleteWebhookEndpoint(await getDb(), params.endpointId);
});
