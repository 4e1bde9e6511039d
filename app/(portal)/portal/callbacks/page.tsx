// /portal/callbacks: the callback log (staff see every call; a tenant admin their enterprise's). ?q= pre-fills the search.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { CallbackLogList } from "./callback-log-list";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";
import { hasStaffRole } from "@/lib/auth/viewer";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("callbacks");
  return { title: t("title") };
}

export default async function CallbacksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const { q } = await searchParams;
  const initialQuery = typeof q === "string" ? q.slice(0, 100) : "";
  const t = await getTranslations("callbacks");
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">{t("title")}</h1>
      {/* Keyed by the search: following an order/instance/tenant link starts a fresh filter. */}
      <CallbackLogList key={initialQuery} initialQuery={initialQuery} canOperate={hasStaffRole(viewer, "OPERATOR")} />
    </main>
  );
}
