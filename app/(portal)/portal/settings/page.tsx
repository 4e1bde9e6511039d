// /portal/settings: staff only. The addresses to paste into the seller center,
// which keys are configured, and the health of the background jobs.
import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { SettingsView } from "./settings-view";
import { getPortalPageViewer, seedQueries } from "@/app/(portal)/portal-page";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { workerStatus } from "@/lib/jobs/worker";
import { getSettings } from "@/lib/portal/settings";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("settings");
  return { title: t("title") };
}

export default async function SettingsPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const t = await getTranslations("settings");
  if (viewer.kind !== "staff") {
    return (
      <main>
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <p role="alert" className="mt-4 rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("staffOnly")}
        </p>
      </main>
    );
  }
  const settings = await getSettings(await getDb(), getEnv(), workerStatus(), new Date());
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">{t("title")}</h1>
      <HydrationBoundary state={seedQueries([{ queryKey: dashboardQueries.settings().queryKey, data: settings }])}>
        <SettingsView />
      </HydrationBoundary>
    </main>
  );
}
