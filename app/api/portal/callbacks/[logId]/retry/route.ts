// POST /api/portal/callbacks/{logId}/retry: re-runs one stored failed call (operators and owners); answers the new log row and its result code.
// A call that succeeded is 409 unless the body confirms {"reapply": true, "reason": "…"}, which the new row records.
import { parseRetryBody, retryCallback } from "@/lib/callbacks/retry-callback";
import { parseLogId, requireOperator, retryActor } from "@/lib/portal/callback-access";
import { portalRoute } from "@/lib/portal/portal-route";
import { readOptionalJson } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const POST = portalRoute<{ logId: string }>(async ({ req, viewer, params }) => {
  const staff = requireOperator(viewer);
  const logId = parseLogId(params.logId);
  const confirmation = parseRetryBody(await readOptionalJson(req));
  const result = await retryCallback(logId, retryActor(staff), confirmation);
  const resultMsg = (JSON.parse(result.answer.body) as { resultMsg?: unknown }).resultMsg;
  return { logId: result.logId, resultCode: result.resultCode, resultMsg: typeof resultMsg === "string" ? resultMsg : null };
});
