// GET /api/portal/callbacks/{logId}: one logged call, masked, with its signature check, effects, retries and retry window.
import { getDb } from "@/lib/db";
import { PortalError } from "@/lib/errors";
import { callbackViewerScope } from "@/lib/callbacks/callback-log-scope";
import { getCallbackLog } from "@/lib/callbacks/get-callback-log";
import { parseLogId } from "@/lib/portal/callback-access";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const GET = portalRoute<{ logId: string }>(async ({ viewer, params }) => {
  const logId = parseLogId(params.logId);
  const db = await getDb();
  const detail = await getCallbackLog(db, await callbackViewerScope(db, viewer), logId);
  if (!detail) throw new PortalError("not_found", "no such callback");
  return detail;
});
