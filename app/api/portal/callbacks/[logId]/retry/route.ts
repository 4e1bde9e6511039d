// POST /api/portal/callbacks/{logId}/retry: re-runs one stored call (operators and owners); answers the new log row and its result code.
import { retryCallback } from "@/lib/callbacks/retry-callback";
import { parseLogId, requireOperator, retryActor } from "@/lib/portal/callback-access";
import { portalRoute } from "@/lib/portal/portal-route";

export const dynamic = "force-dynamic";

export const POST = portalRoute<{ logId: string }>(async ({ viewer, params }) => {
  const staff = requireOperator(viewer);
  const result = await retryCallback(parseLogId(params.logId), retryActor(staff));
  const resultMsg = (JSON.parse(result.answer.body) as { resultMsg?: unknown }).resultMsg;
  return { logId: result.logId, resultCode: result.resultCode, resultMsg: typeof resultMsg === "string" ? resultMsg : null };
});
