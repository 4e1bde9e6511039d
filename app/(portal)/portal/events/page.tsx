// /portal/events: the events sent to the merchant's application, newest first,
// with each endpoint's delivery state (staff: every event and the endpoints'
// health; a tenant admin: the events about their enterprise and instances).
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { EventsFrame } from "./events-frame";
import { EventsList } from "./events-list";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { EndpointHealthTable } from "@/components/portal/events/endpoint-health";
import { hasStaffRole } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("events.meta");
  return { title: t("events") };
}

export default async function EventsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { subjectId } = await searchParams;
  const isStaff = viewer.kind === "staff";
  return (
    <EventsFrame current="/portal/events" isStaff={isStaff}>
      <div className="space-y-6">
        {isStaff ? <EndpointHealthTable /> : null}
        <EventsList
          key={typeof subjectId === "string" ? subjectId : ""}
          initialSubjectId={typeof subjectId === "string" ? subjectId.slice(0, 200) : ""}
          isStaff={isStaff}
          canResend={hasStaffRole(viewer, "OPERATOR")}
        />
      </div>
    </EventsFrame>
  );
}
