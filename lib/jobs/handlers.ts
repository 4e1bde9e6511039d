// Which function runs each job kind, and the periodic housekeeping.
import type { Db } from "@/lib/db";
import { runProvisioningJob } from "@/lib/instances/complete-provisioning";
import { runFetchOrderJob } from "@/lib/orders/fetch-order-details";
import type { JobKind } from "@/lib/jobs/queue";
import type { JobHandler } from "@/lib/jobs/worker";

export const jobHandlers: Record<JobKind, JobHandler> = {
  "provision-instance": runProvisioningJob,
  "fetch-order": runFetchOrderJob,
};

/** Nonces only matter inside the 60 s window; keep ten minutes, then let them go. */
export async function housekeeping(db: Db): Promise<void> {
  await db.nonce.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - 10 * 60 * 1000) } } });
}
