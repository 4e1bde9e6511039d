// /portal/tenants: every tenant for staff; a tenant admin sees their own enterprise's rows.
import { TenantList } from "./tenant-list";

export default function TenantsPage() {
  return (
    <main>
      <h1 className="mb-4 text-2xl font-semibold">Tenants</h1>
      <TenantList />
    </main>
  );
}
