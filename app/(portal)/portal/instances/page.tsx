// /portal/instances: every instance for staff; a tenant admin sees those their enterprise is bound to.
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { InstanceList } from "./instance-list";
import type { InstanceFilter } from "@/components/portal/instance-queries";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";

export const dynamic = "force-dynamic";

type SearchParams = Record<string, string | string[] | undefined>;

function one(v: string | string[] | undefined): string | undefined {
  return (Array.isArray(v) ? v[0] : v) || undefined;
}

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("instances");
  return { title: t("title") };
}

export default async function InstancesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const viewer = await getPortalPageViewer();
  if (!viewer) return null;
  const p = await searchParams;
  // The address's filter is the starting filter (its dates are whole days in the viewer's zone); the API validates it (a bad one shows its 400 message).
  const initialFilter: InstanceFilter = {
    q: one(p.q),
    state: one(p.state),
    productId: one(p.productId),
    tenantId: one(p.tenantId),
    trial: one(p.trial),
    test: one(p.test) === "1" || one(p.test) === "true",
    from: one(p.from),
    to: one(p.to),
    sort: one(p.sort),
  };
  const t = await getTranslations("instances");
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">{t("title")}</h1>
      <InstanceList initialFilter={initialFilter} isStaff={viewer.kind === "staff"} />
    </main>
  );
}
