// GET /api/portal/settings: seller-center addresses, configured keys (names only), job health; staff only.
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import { workerStatus } from "@/lib/jobs/worker";
import { portalRoute } from "@/lib/portal/portal-route";
import { getSettings } from "@/lib/portal/settings";

export const dynamic = "force-dynamic";

export const GET = portalRoute(async ({ viewer }) => {
  if (viewer.kind !== "staff") throw new PortalError("forbidden", "settings are for merchant staff");
  return getSettings(await getDb(), getEnv(), workerStatus());
});
