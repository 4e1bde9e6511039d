// /portal/alerts/rules: staff see which rules alert and at what threshold; owners change them.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AlertsFrame } from "../alerts-frame";
import { RulesView } from "./rules-view";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("alerts.meta");
  return { title: t("rules") };
}

export default async function AlertRulesPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  return (
    <AlertsFrame current="/portal/alerts/rules" isStaff={viewer.kind === "staff"}>
      <RulesView canConfigure={hasStaffRole(viewer, "OWNER")} />
    </AlertsFrame>
  );
}
