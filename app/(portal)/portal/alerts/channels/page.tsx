// /portal/alerts/channels: staff see where alerts go; owners add, edit,
// enable, delete and test channels. Secrets are typed once and never shown.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AlertsFrame } from "../alerts-frame";
import { ChannelsView } from "./channels-view";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("alerts.meta");
  return { title: t("channels") };
}

export default async function AlertChannelsPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  return (
    <AlertsFrame current="/portal/alerts/channels" isStaff={viewer.kind === "staff"}>
      <ChannelsView canConfigure={hasStaffRole(viewer, "OWNER")} />
    </AlertsFrame>
  );
}
