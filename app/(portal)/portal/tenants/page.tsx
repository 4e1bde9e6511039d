// /portal/tenants: every tenant for staff; a tenant admin sees their own enterprise's rows.
import { TenantList } from "./tenant-list";
import { getPortalPageViewer } from "@/app/(portal)/portal-page";

export const dynamic = "force-dynamic";

export default async function TenantsPage() {
  if (!(await getPortalPageViewer())) return null;
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Tenants</h1>
      <TenantList />
    </main>
  );
}
