// GET|POST /api/portal/webhooks: the merchant's webhook endpoints with their health (staff read); owners add one,
// and its secret is in this answer only.
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { requireWebhooksOwner, requireWebhooksReader } from "@/lib/events/events-access";
import { createWebhookEndpoint, listWebhookEndpoints, newEndpointSchema } from "@/lib/events/webhook-endpoints";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => {
  requireWebhooksReader(viewer);
  return { items: await listWebhookEndpoints(await getDb()) };
});

export const POST = portalRoute(async ({ req, viewer }) => {
  const owner = requireWebhooksOwner(viewer);
  const input = await readJsonBody(req, newEndpointSchema);
  const created = await createWebhookEndpoint(await getDb(), getEnv(), input, owner.email);
  return Response.json(created, { status: 201, headers: { "cache-control": "no-store" } });
});
