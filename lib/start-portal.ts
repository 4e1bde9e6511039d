// Server start: environment, migrations, background worker. Any failure here
// stops the process with a message naming what is wrong.
import { getEnv } from "@/lib/env";
import { getDb, getRawSql } from "@/lib/db";
import { deliverEventsSource, syncEnvEndpoint } from "@/lib/events/deliver-events";
import { syncEnvAlertChannels } from "@/lib/alerts/env-channels";
import { applyMigrations } from "@/lib/migrations";
import { housekeeping, jobHandlers } from "@/lib/jobs/handlers";
import { ensureFirstOwner } from "@/lib/staff/ensure-first-owner";
import { startWorker } from "@/lib/jobs/worker";

const started = globalThis as unknown as { __portalStarted?: Promise<void> };

/** Idempotent: server.ts and instrumentation.ts may both call it in one process. */
export function startPortal(): Promise<void> {
  started.__portalStarted ??= start();
  return started.__portalStarted;
}

async function start(): Promise<void> {
  try {
    const env = getEnv();
    const raw = await getRawSql();
    const applied = await applyMigrations(raw);
    if (applied.length) console.log(`[portal] applied migrations: ${applied.join(", ")}`);
    const firstOwner = await ensureFirstOwner(env);
    if (firstOwner.action === "owner-created") console.log(`[portal] created the first staff owner ${firstOwner.email} from PORTAL_OWNER_EMAIL`);
    if (firstOwner.action === "none" && firstOwner.reason === "not-configured") {
      console.log("[portal] no staff account yet: set PORTAL_OWNER_EMAIL and PORTAL_OWNER_PASSWORD, or run `npm run staff -- create --email … --role owner`");
    }
    const envEndpoint = await syncEnvEndpoint(await getDb(), env.webhooks);
    if (envEndpoint !== "unchanged" && envEndpoint !== "none") console.log(`[portal] merchant webhook endpoint from MERCHANT_WEBHOOK_URL ${envEndpoint}`);
    await syncEnvAlertChannels(await getDb(), env);
    console.log(`[portal] database: ${raw.kind === "pglite" ? `embedded PGlite in ${env.dataDir}/pglite` : "PostgreSQL"}${env.isDemo ? " (demo mode)" : ""}`);
    if (!env.jobs.isDisabled) {
      startWorker({
        handlers: jobHandlers,
        pollMs: env.jobs.pollMs,
        retryBaseMs: env.jobs.retryBaseMs,
        housekeeping,
        sources: [deliverEventsSource()],
        recurring: [{ kind: "evaluate-alerts", everyMs: env.alerts.everyMs }],
      });
    }
  } catch (error) {
    console.error(`[portal] cannot start: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
