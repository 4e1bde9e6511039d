// Which function runs each job kind, and the periodic housekeeping.
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { runProvisioningJob } from "@/lib/instances/complete-provisioning";
import { pruneOldRows, retentionPolicyOf, type PruneOptions, type PruneResult } from "@/lib/jobs/prune-old-rows";
import { runFetchOrderJob } from "@/lib/orders/fetch-order-details";
import { runEvaluateAlertsJob } from "@/lib/alerts/rules";
import { runSendAlertJob } from "@/lib/alerts/send-alert";
import type { JobKind } from "@/lib/jobs/queue";
import type { JobHandler } from "@/lib/jobs/worker";

export const jobHandlers: Partial<Record<JobKind, JobHandler>> = {
  "provision-instance": runProvisioningJob,
  "fetch-order": runFetchOrderJob,
  "evaluate-alerts": runEvaluateAlertsJob,
  "send-alert": runSendAlertJob,
};

/**
 * Nonce expiry and retention (ADR 0003), run by the worker at most once a
 * minute: rows past their retention go in short batches within a time budget.
 */
export async function housekeeping(db: Db, opts: PruneOptions = {}): Promise<PruneResult> {
  const result = await pruneOldRows(db, retentionPolicyOf(getEnv()), opts);
  if (result.total > 0) {
    const parts = Object.entries(result.pruned).map(([label, count]) => `${label} ${count}`);
    console.log(`[jobs] housekeeping pruned ${result.total} rows (${parts.join(", ")})${result.isComplete ? "" : "; more next run"}`);
  }
  return result;
}
