// GET /api/portal/audit: the audit trail the viewer may read (operators and owners: all of it; a tenant admin: their
// enterprise's), newest first, filtered (?group=&action=&outcome=&actor=&subject=&from=&to=) and keyset-paged (?cursor=&limit=).
import { auditFilterFromSearchParams, auditViewerScope, listAuditEntries } from "@/lib/audit/audit-reads";
import { getDb } from "@/lib/db";
import { intParam, portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ req, viewer }) => {
  const filter = auditFilterFromSearchParams(req.nextUrl.searchParams);
  const db = await getDb();
  return listAuditEntries(db, await auditViewerScope(db, viewer), {
    ...filter,
    cursor: req.nextUrl.searchParams.get("cursor") ?? undefined,
    limit: intParam(req, "limit"),
  });
});
