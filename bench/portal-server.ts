// The portal under test: a production build (`next build` only when sources
// changed since the last one) served by server.ts (what `npm start`
// runs) on a bench-owned database; it applies its migrations at start. tsx is
// run as `node --import tsx` rather than through npx, so signals reach the
// real server and no npm wrapper shares the CPU.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { ensureBuild as buildIfStale } from "../scripts/lib/ensure-build";
import { fileURLToPath } from "node:url";
import { startChild, freePort, type ChildServer } from "./child";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Where the portal keeps its data: a PostgreSQL URL or a PGlite folder (DATA_DIR/pglite). */
export type PortalDatabase = { databaseUrl: string; dataDir: string } | { databaseUrl?: undefined; dataDir: string };

/** The env every portal process gets; KOOGALLERY_ACCESS_KEY is what the bench signs with. */
export function portalEnv(accessKey: string, db: PortalDatabase, port?: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Inherited settings would silently change what is measured.
  for (const k of ["DATABASE_URL", "DATA_DIR", "PORT", "JOBS_DISABLED", "PORTAL_DEMO", "NODE_ENV"]) delete env[k];
  Object.assign(env, {
    KOOGALLERY_ACCESS_KEY: accessKey,
    PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
    DATA_DIR: db.dataDir,
    NEXT_TELEMETRY_DISABLED: "1",
    // A production build without a public URL (it is never reached from outside): lib/env.ts refuses that unless told.
    PORTAL_ALLOW_UNSAFE: "1",
  });
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  if (port !== undefined) env.PORT = String(port);
  return env;
}

/** Builds when sources changed since the last build (scripts/lib/ensure-build.ts). */
export function ensureBuild(env: NodeJS.ProcessEnv): void {
  const started = Date.now();
  if (buildIfStale(ROOT, env)) console.log(`portal: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  else console.log("portal: production build is up to date (.next/BUILD_ID)");
}

/** Starts the production server (`npm start`: server.ts) on a free port and waits for GET /api/health. */
export async function startPortal(opts: {
  accessKey: string;
  db: PortalDatabase;
  logFile: string;
  label: string;
  env?: Record<string, string>;
}): Promise<ChildServer> {
  const port = await freePort();
  const env = { ...portalEnv(opts.accessKey, opts.db, port), ...opts.env };
  return startChild({
    label: opts.label,
    command: process.execPath,
    // BENCH_PORTAL_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profiles each portal (NODE_OPTIONS may not carry it).
    args: [...(process.env.BENCH_PORTAL_NODE_ARGS?.split(" ").filter(Boolean) ?? []), "--import", "tsx", path.join(ROOT, "server.ts")],
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    cwd: ROOT,
    port,
    logFile: opts.logFile,
  });
}
