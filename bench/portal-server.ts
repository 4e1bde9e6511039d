// The portal under test: a production build (`next build` only when sources
// changed since the last one) started on a bench-owned
// database (scripts/serve.ts, what `npm start` runs). next and tsx are run as `node <their bin>` instead of through npx,
// so signals reach the real server and no npm wrapper shares the CPU.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startChild, freePort, type ChildServer } from "./child";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");

/** Where the portal keeps its data: a PostgreSQL URL or a PGlite folder (DATA_DIR/pglite). */
export type PortalDatabase = { databaseUrl: string; dataDir: string } | { databaseUrl?: undefined; dataDir: string };

// Not inputs of the build (or written by it, like next-env.d.ts).
const IGNORED = new Set(["node_modules", ".next", ".git", "bench", "e2e", "docs", "data", "scripts", "test-results", "playwright-report", "coverage", "next-env.d.ts", "tsconfig.tsbuildinfo"]);

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (IGNORED.has(entry.name) || entry.name.endsWith(".md") || entry.name.endsWith(".test.ts")) continue;
    const full = path.join(dir, entry.name);
    // A folder's own mtime changes when a file in it is deleted or renamed.
    if (entry.isDirectory()) newest = Math.max(newest, statSync(full).mtimeMs, newestSourceMtime(full));
    else if (entry.isFile()) newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

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
  });
  if (db.databaseUrl) env.DATABASE_URL = db.databaseUrl;
  if (port !== undefined) env.PORT = String(port);
  return env;
}

/** Runs `next build` if .next/BUILD_ID is missing or older than the newest source file. */
export function ensureBuild(env: NodeJS.ProcessEnv): void {
  const buildId = path.join(ROOT, ".next", "BUILD_ID");
  const builtAt = existsSync(buildId) ? statSync(buildId).mtimeMs : 0;
  if (builtAt > newestSourceMtime(ROOT)) {
    console.log("portal: production build is up to date (.next/BUILD_ID)");
    return;
  }
  console.log(builtAt === 0 ? "portal: no production build, running next build ..." : "portal: sources changed since the last build, running next build ...");
  const started = Date.now();
  // next.config imports lib/env, so the build needs a valid environment too.
  const r = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, env, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`next build failed (exit ${r.status ?? r.signal})`);
  console.log(`portal: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

/** Applies migrations with the project's own runner when it exists (a fresh database has no tables). */
export function migrate(env: NodeJS.ProcessEnv): void {
  const script = path.join(ROOT, "scripts", "migrate.ts");
  if (!existsSync(script)) {
    console.log("portal: no scripts/migrate.ts, relying on the portal to migrate at start");
    return;
  }
  const r = spawnSync(process.execPath, ["--import", "tsx", script], { cwd: ROOT, env, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`migration failed (exit ${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`);
}

/** Starts the production server (`npm start`: scripts/serve.ts) on a free port and waits for GET /api/health. */
export async function startPortal(opts: { accessKey: string; db: PortalDatabase; logFile: string; label: string }): Promise<ChildServer> {
  const port = await freePort();
  const env = portalEnv(opts.accessKey, opts.db, port);
  migrate(env);
  return startChild({
    label: opts.label,
    command: process.execPath,
    args: ["--import", "tsx", path.join(ROOT, "scripts", "serve.ts")],
    env: { ...env, PORT: String(port), HOSTNAME: "127.0.0.1" },
    cwd: ROOT,
    port,
    logFile: opts.logFile,
  });
}
