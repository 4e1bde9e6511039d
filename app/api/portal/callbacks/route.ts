// GET /api/portal/callbacks: the callback log the viewer may see, newest first, filtered, keyset-paged (?cursor=&limit=).
import { getDb } from "@/lib/db";
import { callbackLogFilterFromSearchParams } from "@/lib/callbacks/callback-log-filter";
import { callbackViewerScope } from "@/lib/callbacks/callback-log-scope";
import { listCallbackLogs } from "@/lib/callbacks/list-callback-logs";
import { intParam, portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const filter = callbackLogFilterFromSearchParams(req.nextUrl.searchParams);
  const db = await getDb();
  const scope = await callbackViewerScope(db, viewer);
  return listCallbackLogs(db, scope.logs, { ...filter, cursor: req.nextUrl.searchParams.get("cursor") ?? undefined, limit: intParam(req, "limit") });
});
