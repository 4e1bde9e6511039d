// /portal/webhooks: where events go. Staff see each endpoint with its health;
// owners add, filter, enable or disable, rotate and delete them.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { EventsFrame } from "@/app/(portal)/portal/events/events-frame";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";
import { WebhooksView } from "./webhooks-view";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("events.meta");
  return { title: t("webhooks") };
}

export default async function WebhooksPage() {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const t = await getTranslations("events.endpoints");
  return (
    <EventsFrame current="/portal/webhooks" isStaff={viewer.kind === "staff"}>
      {viewer.kind === "staff" ? (
        <WebhooksView canConfigure={hasStaffRole(viewer, "OWNER")} />
      ) : (
        <p role="alert" className="rounded bg-amber-50 px-3 py-2 text-sm text-amber-900">
          {t("staffOnly")}
        </p>
      )}
    </EventsFrame>
  );
}
