// POST /api/portal/callbacks/retry: "Retry matching…" (operators and owners). Body {filter, dryRun, limit?≤500, ids?≤25}:
// the dry run says what would happen; the run re-runs the failed calls one by one, each logged and linked; with ids,
// only those calls of the plan (the page runs its dry run's calls a part at a time, to show progress and to stop).
import { z } from "zod";
import { getDb } from "@/lib/db";
import { ALL_CALLBACKS } from "@/lib/callbacks/callback-log-scope";
import { parseBulkRetryBody, retryMatchingCallbacks } from "@/lib/callbacks/retry-matching-callbacks";
import { requireOperator, retryActor } from "@/lib/portal/callback-access";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const POST = portalRoute(async ({ req, viewer }) => {
  const staff = requireOperator(viewer);
  const body = parseBulkRetryBody(await readJsonBody(req, z.unknown()));
  // Operators are staff: every log is in their scope.
  return retryMatchingCallbacks(await getDb(), ALL_CALLBACKS.logs, {
    filter: body.filter,
    isDryRun: body.dryRun,
    limit: body.limit,
    actor: retryActor(staff),
    ...(body.ids ? { onlyIds: body.ids } : {}),
  });
});
