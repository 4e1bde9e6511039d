// /portal/callbacks/{logId}: one logged call (scoped: another enterprise's call is a 404).
import { HydrationBoundary } from "@tanstack/react-query";
import Link from "next/link";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { getPortalPageViewer, seedQueries } from "@/app/(portal)/portal-page";
import { callbackQueries } from "@/components/portal/callback-queries";
import { CallbackLogDetailView } from "./callback-log-detail";
import { hasStaffRole } from "@/lib/auth/viewer";
import { getDb } from "@/lib/db";
import { callbackViewerScope } from "@/lib/callbacks/callback-log-scope";
import { getCallbackLog } from "@/lib/callbacks/get-callback-log";

export const dynamic = "force-dynamic";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("callbacks");
  return { title: t("detailTitle") };
}

export default async function CallbackLogPage({ params }: { params: Promise<{ logId: string }> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { logId } = await params;
  if (!UUID.test(logId)) notFound();
  const db = await getDb();
  const detail = await getCallbackLog(db, await callbackViewerScope(db, viewer), logId);
  if (!detail) notFound();
  const t = await getTranslations("callbacks.detail");
  return (
    <main className="space-y-4">
      <p className="text-sm">
        <Link href="/portal/callbacks" className="underline">
          {t("back")}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        {detail.activity ?? detail.endpoint}{" "}
        <span className="text-base font-normal text-slate-700">
          ({detail.generation}, {detail.endpoint})
        </span>
      </h1>
      <HydrationBoundary state={seedQueries([{ queryKey: callbackQueries.detail(logId).queryKey, data: detail }])}>
        {/* Keyed: following a link to another log starts with that log's state, not the last one's. */}
        <CallbackLogDetailView key={logId} logId={logId} canOperate={hasStaffRole(viewer, "OPERATOR")} />
      </HydrationBoundary>
    </main>
  );
}
