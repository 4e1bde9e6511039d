// /portal/settings: staff only. The addresses to paste into the seller center,
// which keys are configured, and the health of the background jobs.
import { SettingsView } from "./settings-view";
import { requirePortalViewer } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { workerStatus } from "@/lib/jobs/worker";
import { getSettings } from "@/lib/portal/settings";

export const dynamic = "force-dynamic";

export default async function SettingsPage() {
  const viewer = await requirePortalViewer();
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
  const now = new Date();
  const initial = await getSettings(await getDb(), getEnv(), workerStatus(), now);
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Settings</h1>
      <SettingsView initial={initial} initialAt={now.getTime()} />
    </main>
  );
}
