// /portal/alerts: staff only. Every alert, newest first: what fired, what to
// do, and for each channel whether the message (and the "resolved" one) was delivered.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { AlertsFrame } from "./alerts-frame";
import { AlertsList } from "./alerts-list";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("alerts.meta");
  return { title: t("alerts") };
}

export default async function AlertsPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  return (
    <AlertsFrame current="/portal/alerts" isStaff={viewer.kind === "staff"}>
      <AlertsList />
    </AlertsFrame>
  );
}
