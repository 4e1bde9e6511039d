// GET /api/portal/instances: instances the viewer may see (all for staff, their enterprise's for a tenant admin), filtered and keyset-paged.
import { instanceScope } from "@/lib/access/instance-scope";
import { getDb } from "@/lib/db";
import { listInstances, parseInstanceQuery } from "@/lib/instances/list-instances";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const query = parseInstanceQuery(req.nextUrl.searchParams);
  return listInstances(await getDb(), await instanceScope(viewer), query);
});
