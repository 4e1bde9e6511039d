// /portal: the dashboard. Staff see everything; a tenant admin the same figures
// limited to their enterprise's instances, with a link to their tenant.
import { HydrationBoundary } from "@tanstack/react-query";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { DashboardView } from "./dashboard-view";
import { getPortalPageViewer, seedQueries } from "@/app/(portal)/portal-page";
import { dashboardQueries } from "@/components/portal/dashboard-queries";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { dashboardScopeOf, getDashboard } from "@/lib/portal/dashboard";
import { secretValuesOf } from "@/lib/portal/error-text";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("dashboard");
  return { title: t("title") };
}

export default async function DashboardPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const db = await getDb();
  const dashboard = await getDashboard(db, await dashboardScopeOf(db, viewer), { secrets: secretValuesOf(getEnv()) });
  const t = await getTranslations("dashboard");
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">{t("title")}</h1>
      <HydrationBoundary state={seedQueries([{ queryKey: dashboardQueries.dashboard().queryKey, data: dashboard }])}>
        <DashboardView />
      </HydrationBoundary>
    </main>
  );
}
