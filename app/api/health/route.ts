// GET /api/health: liveness and database reachability, for load balancers and the bench.
import { getRawSql } from "@/lib/db";
import { workerStatus } from "@/lib/jobs/worker";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    const raw = await getRawSql();
    await raw.query("SELECT 1");
    return Response.json({ status: "ok", database: raw.kind, jobs: workerStatus().isRunning ? "running" : "stopped" });
  } catch {
    return Response.json({ status: "error", database: "unreachable" }, { status: 503 });
  }
}
