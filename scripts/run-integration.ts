// Runs the HTTP integration tests against the production build, on PGlite and
// then on PostgreSQL (TEST_DB). Builds first when the build is missing or stale.
// The PostgreSQL databases default to Asia/Shanghai (TEST_PG_TIMEZONE, unless
// set): the portal must run its sessions in UTC whatever the server's zone, and
// a UTC default would hide it when it does not (ADR 0002). PGlite stays in UTC.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";
import { ensureBuild } from "./lib/ensure-build";

const root = path.resolve(import.meta.dirname, "..");
const engines = (process.env.TEST_ENGINES ?? "pglite,postgres")
  .split(",")
  .map((s) => s.trim())
  .filter(Boolean);
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(path.join(root, "e2e", "api"))
      .filter((f) => f.endsWith(".test.ts"))
      .sort()
      .map((f) => path.join("e2e", "api", f));

try {
  ensureBuild(root);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}

/** A test that hangs fails after this instead of holding CI until its limit. */
const TEST_TIMEOUT_MS = 10 * 60 * 1000;

let failed = false;
for (const engine of engines) {
  console.log(`\n[integration] ${engine}: ${files.length} files`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", `--test-timeout=${TEST_TIMEOUT_MS}`, ...files], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DB: engine, ...(engine === "postgres" ? { TEST_PG_TIMEZONE: process.env.TEST_PG_TIMEZONE ?? "Asia/Shanghai" } : {}) },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
