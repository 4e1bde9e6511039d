// Runs the HTTP integration tests against the production build, on PGlite and
// then on PostgreSQL (TEST_DB). Builds first when the build is missing or stale.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const engines = (process.env.TEST_ENGINES ?? "pglite,postgres").split(",").map((s) => s.trim()).filter(Boolean);
const files = process.argv.slice(2).length
  ? process.argv.slice(2)
  : readdirSync(path.join(root, "e2e", "api")).filter((f) => f.endsWith(".test.ts")).sort().map((f) => path.join("e2e", "api", f));

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (["node_modules", ".next", "data", "e2e", "bench", ".git"].includes(entry.name)) continue;
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(p) : statSync(p).mtimeMs);
  }
  return newest;
}

const buildId = path.join(root, ".next", "BUILD_ID");
if (!existsSync(buildId) || statSync(buildId).mtimeMs < newestSource(root)) {
  console.log("[integration] building the portal (next build)…");
  const b = spawnSync("npx", ["next", "build"], { cwd: root, stdio: "inherit" });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

let failed = false;
for (const engine of engines) {
  console.log(`\n[integration] ${engine}: ${files.length} files`);
  const r = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...files], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, TEST_DB: engine },
  });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
