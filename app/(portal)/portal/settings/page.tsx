// /portal/settings: staff only. The addresses to paste into the seller center,
// which keys are configured, and the health of the background jobs.
import { HydrationBoundary } from "@tanstack/react-query";
import { SettingsView } from "./settings-view";
import { getPortalPageViewer, seedQueries } from "@/app/(portal)/portal-page";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { workerStatus } from "@/lib/jobs/worker";
import { getSettings } from "@/lib/portal/settings";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  if (viewer.kind !== "staff") {
    return (
      <main>
        <h1 className="text-2xl font-semibold">Settings</h1>
        <p role="alert" className="mt-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Settings are for merchant staff. Ask the merchant if something about your tenant needs changing.
        </p>
      </main>
    );
  }
  const settings = await getSettings(await getDb(), getEnv(), workerStatus(), new Date());
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Settings</h1>
      <HydrationBoundary state={seedQueries([{ queryKey: dashboardQueries.settings().queryKey, data: settings }])}>
        <SettingsView />
      </HydrationBoundary>
    </main>
  );
}
