// POST /api/portal/events/{eventId}/resend: send one event again now (operators and owners), body {endpointId?}.
import { z } from "zod";
import { getDb } from "@/lib/db";
import { parseEventId, requireEventResender } from "@/lib/events/events-access";
import { eventViewerScope } from "@/lib/events/event-reads";
import { resendEvent } from "@/lib/events/resend";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({ endpointId: z.string().min(1).max(100).optional() });

export const POST = portalRoute<{ eventId: string }>(async ({ req, viewer, params }) => {
  requireEventResender(viewer);
  const eventId = parseEventId(params.eventId);
  const body = await readJsonBody(req, bodySchema);
  const db = await getDb();
  return resendEvent(db, await eventViewerScope(db, viewer), eventId, { endpointId: body.endpointId });
});
