// npm run test:e2e: the browser tests in Debian's Chromium. Playwright's own
// browser download needs the internet, so Chromium comes from Debian's
// packages: installed here when missing and we may (root), else we say how.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

if (!existsSync(chromium)) {
  if (process.getuid?.() === 0) {
    console.log(`[e2e] ${chromium} is missing: installing Debian's chromium package…`);
    const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    for (const args of [["update"], ["install", "-y", "chromium", "fonts-wqy-microhei"]]) {
      const r = spawnSync("apt-get", args, { stdio: "inherit", env });
      if (r.status !== 0) process.exit(r.status ?? 1);
    }
  } else {
    console.error(`[e2e] Chromium not found at ${chromium}. Install it with \`sudo apt-get install -y chromium\` or set CHROMIUM_PATH.`);
    process.exit(1);
  }
}

const r = spawnSync(
  process.execPath,
  [path.join(root, "node_modules", "@playwright", "test", "cli.js"), "test", "-c", path.join("e2e", "playwright.config.ts"), ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, CHROMIUM_PATH: chromium },
  },
);
process.exit(r.status ?? 1);
