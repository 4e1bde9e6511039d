// GET /api/portal/events: events to the merchant's application the viewer may see, newest first, with one line per
// endpoint; filtered (?type=&status=pending|delivered|failed&endpointId=&subjectId=&from=&to=&test=1) and keyset-paged (?cursor=&limit=).
import { getDb } from "@/lib/db";
import { eventFilterFromSearchParams, eventViewerScope, listEvents } from "@/lib/events/event-reads";
import { intParam, portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const filter = eventFilterFromSearchParams(req.nextUrl.searchParams);
  const db = await getDb();
  return listEvents(db, await eventViewerScope(db, viewer), {
    ...filter,
    cursor: req.nextUrl.searchParams.get("cursor") ?? undefined,
    limit: intParam(req, "limit"),
  });
});
