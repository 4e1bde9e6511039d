// /portal/events/{eventId}: one event, its data, and every attempt to every endpoint (scoped: another enterprise's event is a 404).
import type { Metadata } from "next";
import { HydrationBoundary } from "@tanstack/react-query";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getPortalPageViewer, inScopeOrNotFound, seedQueries } from "@/app/(portal)/portal-page";
import { eventQueries } from "@/components/portal/event-queries";
import { getDb } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { canResendEvents } from "@/lib/events/events-access";
import { eventViewerScope, getEvent } from "@/lib/events/event-reads";
import { EventDetailView } from "./event-detail";

export const dynamic = "force-dynamic";

export async function generateMetadata({ params }: { params: Promise<{ eventId: string }> }): Promise<Metadata> {
  const t = await getTranslations("events.meta");
  // The id, not the type: the title must not read the event before the page has checked the viewer's scope.
  return { title: t("event", { id: (await params).eventId.slice(0, 64) }) };
}

export default async function EventPage({ params }: { params: Promise<{ eventId: string }> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { eventId } = await params;
  if (!/^msg_[A-Za-z0-9]{1,60}$/.test(eventId)) notFound();
  const db = await getDb();
  const detail = await inScopeOrNotFound(getEvent(db, getEnv(), await eventViewerScope(db, viewer), eventId, canResendEvents(viewer)));
  const t = await getTranslations("events.detail");
  return (
    <main className="space-y-4">
      <p className="text-sm">
        <Link href="/portal/events" className="underline">
          {t("back")}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        <span className="font-mono">{detail.type}</span> <span className="text-base font-normal text-slate-700">({detail.id})</span>
      </h1>
      <HydrationBoundary state={seedQueries([{ queryKey: eventQueries.detail(eventId).queryKey, data: detail }])}>
        <EventDetailView key={eventId} eventId={eventId} />
      </HydrationBoundary>
    </main>
  );
}
