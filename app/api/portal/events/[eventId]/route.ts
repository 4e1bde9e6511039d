// GET /api/portal/events/{eventId}: one event with its data and every delivery attempt (status, latency, code, answer head).
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { canResendEvents, parseEventId } from "@/lib/events/events-access";
import { eventViewerScope, getEvent } from "@/lib/events/event-reads";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ eventId: string }>(async ({ viewer, params }) => {
  const eventId = parseEventId(params.eventId);
  const db = await getDb();
  return getEvent(db, getEnv(), await eventViewerScope(db, viewer), eventId, canResendEvents(viewer));
});
