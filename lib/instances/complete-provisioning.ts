// The provision-instance job: call the adapter, then store the app info once.
// A permanent refusal (or the last attempt) marks the instance FAILED, which
// queryInstance reports as 000005 and the portal lists for manual action.
// Success tells the merchant instance.created in the same transaction.
import type { Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import type { JobRow } from "@/lib/jobs/queue";
import { jobEvents } from "@/lib/jobs/worker";
import { appInfoColumns } from "@/lib/instances/app-info";
import { instanceCreatedEvent } from "@/lib/events/instance-events";
import { writeEvents } from "@/lib/events/outbox";
import { createAdapter, ProvisioningError } from "@/lib/provisioning/adapters";
import { raiseAlert } from "@/lib/alerts/raise-alert";
import { provisioningFailedAlert } from "@/lib/alerts/rules";

export async function runProvisioningJob(db: Db, payload: unknown, job: JobRow): Promise<void> {
  const instanceId = (payload as { instanceId?: string }).instanceId ?? "";
  const env = getEnv();
  const instance = await db.instance.findUnique({ where: { id: instanceId } });
  if (!instance || instance.provisionStatus !== "PENDING" || instance.state === "RELEASED") return;
  const adapter = createAdapter(env);
  try {
    const info = await adapter.provision({ ...instance, instanceId: instance.id });
    await db.$transaction(async (tx) => {
      const data = { provisionStatus: "DONE" as const, provisionedAt: new Date(), provisionError: null, ...appInfoColumns(info, env.encryptionKey) };
      // Frozen while provisioning stays frozen; only PROVISIONING becomes ACTIVE.
      const activated = await tx.instance.updateMany({
        where: { id: instanceId, provisionStatus: "PENDING", state: "PROVISIONING" },
        data: { ...data, state: "ACTIVE" },
      });
      const other = activated.count ? { count: 0 } : await tx.instance.updateMany({ where: { id: instanceId, provisionStatus: "PENDING" }, data });
      if (activated.count + other.count === 0) return;
      await tx.instanceEvent.create({
        data: {
          instanceId,
          kind: "PROVISIONED",
          fromState: instance.state,
          toState: activated.count ? "ACTIVE" : instance.state,
          actor: "system",
          detail: { adapter: adapter.name, attempt: job.attempts },
        },
      });
      const now = new Date();
      const provisioned = await tx.instance.findUniqueOrThrow({ where: { id: instanceId } });
      await writeEvents(tx, [instanceCreatedEvent(provisioned, adapter.name, now)], now);
    });
  } catch (error) {
    const isLast = job.attempts >= job.maxAttempts;
    const isPermanent = error instanceof ProvisioningError && error.isPermanent;
    if (isPermanent || isLast) {
      // The alert to staff commits with the failure, so "the merchant has been alerted" (provision-instance.ts) is never ahead of it.
      await db.$transaction(async (tx) => {
        const failed = await tx.instance.updateMany({
          where: { id: instanceId, provisionStatus: "PENDING" },
          data: { provisionStatus: "FAILED", provisionError: describeError(error) },
        });
        await tx.instanceEvent.create({
          data: {
            instanceId,
            kind: "PROVISION_FAILED",
            actor: "system",
            detail: { adapter: adapter.name, attempt: job.attempts, error: describeError(error) },
          },
        });
        if (failed.count > 0) await raiseAlert(tx, provisioningFailedAlert(instance, describeError(error), env));
      });
      jobEvents.emit(`provision-instance:${instanceId}`, "failed");
      return;
    }
    throw error;
  } finally {
    jobEvents.emit(`provision-instance:${instanceId}`, "settled");
  }
}
