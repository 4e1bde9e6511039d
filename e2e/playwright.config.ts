// Browser tests in Debian's Chromium, installed by scripts/run-e2e.ts from
// Debian's packages: Playwright's own browser download is never used, since it
// needs the internet these machines lack. Each worker starts its own portal (the
// production build through server.ts) and its own mock KooGallery
// identity provider; tests create their tenants through signed Kit calls.
import { defineConfig } from "@playwright/test";

export default defineConfig({
  testDir: "./browser",
  outputDir: "./output/test-results",
  globalSetup: "./browser/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["html", { outputFolder: "./output/playwright-report", open: "never" }]],
  use: {
    browserName: "chromium",
    // The portal's default language is Chinese; these tests read its English pages (Accept-Language: en-US).
    // The language walk (i18n.spec.ts) sets its own.
    locale: "en-US",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    screenshot: "only-on-failure",
    trace: "retain-on-failure",
    actionTimeout: 15_000,
    navigationTimeout: 30_000,
  },
});
