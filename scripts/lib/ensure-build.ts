// Builds the portal when .next is missing or older than the newest source file.
// Shared by the demo, the integration runner and the bench.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

// Not inputs of the build (or written by it, like next-env.d.ts).
const SKIP = new Set([
  "node_modules",
  ".next",
  ".git",
  ".ci",
  "bench",
  "e2e",
  "docs",
  "data",
  "scripts",
  "server.ts",
  "testing",
  "test-results",
  "playwright-report",
  "coverage",
  "next-env.d.ts",
  "tsconfig.tsbuildinfo",
]);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name) || entry.name.endsWith(".test.ts") || entry.name.endsWith(".md")) continue;
    const p = path.join(dir, entry.name);
    // A folder's own mtime changes when a file in it is deleted or renamed.
    if (entry.isDirectory()) newest = Math.max(newest, statSync(p).mtimeMs, newestSource(p));
    else if (entry.isFile()) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Returns true when it built. Throws when the build fails. */
export function ensureBuild(root: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const buildId = path.join(root, ".next", "BUILD_ID");
  if (existsSync(buildId) && statSync(buildId).mtimeMs >= newestSource(root)) return false;
  console.log("[build] building the portal (next build)…");
  const b = spawnSync(process.execPath, [path.join(root, "node_modules", "next", "dist", "bin", "next"), "build"], { cwd: root, env, stdio: "inherit" });
  if (b.status !== 0) throw new Error(`next build failed (exit ${b.status ?? b.signal})`);
  return true;
}
