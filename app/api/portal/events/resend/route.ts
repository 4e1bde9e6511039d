// POST /api/portal/events/resend: "Resend failed…" (operators and owners). Body {from, to, endpointId?, type?, dryRun}:
// the dry run counts the failed deliveries of events in [from, to) per endpoint; the run queues them again.
import { z } from "zod";
import { getDb } from "@/lib/db";
import { requireEventResender } from "@/lib/events/events-access";
import { parseBulkResendBody, resendFailedInRange } from "@/lib/events/resend";
import { portalRoute } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

export const POST = portalRoute(async ({ req, viewer }) => {
  requireEventResender(viewer);
  const body = parseBulkResendBody(await readJsonBody(req, z.unknown()));
  return resendFailedInRange(await getDb(), body);
});
