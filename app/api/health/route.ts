// GET /api/health: readiness for load balancers and the bench: 200 while the
// database answers and the job worker runs (unless JOBS_DISABLED); 503 once
// shutdown has begun (lib/stop-portal.ts), so traffic drains away first.
import { getRawSql } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { workerStatus } from "@/lib/jobs/worker";
import { isShuttingDown } from "@/lib/stop-portal";

export const dynamic = "force-dynamic";

const noStore = { "cache-control": "no-store" };

export async function GET(): Promise<Response> {
  if (isShuttingDown()) return Response.json({ status: "shutting-down" }, { status: 503, headers: noStore });
  const jobs = getEnv().jobs.isDisabled ? "disabled" : workerStatus().isRunning ? "running" : "stopped";
  try {
    const raw = await getRawSql();
    await raw.query("SELECT 1");
    if (jobs === "stopped") return Response.json({ status: "not-ready", database: raw.kind, jobs }, { status: 503, headers: noStore });
    return Response.json({ status: "ok", database: raw.kind, jobs }, { headers: noStore });
  } catch {
    return Response.json({ status: "error", database: "unreachable", jobs }, { status: 503, headers: noStore });
  }
}
