"use client";
// Tenants the viewer may see, searchable, loaded a page at a time.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { SearchField } from "@/components/ui/field";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { TableHead } from "@/components/ui/table-head";

export function TenantList() {
  const [q, setQ] = useState("");
  const [includeTest, setIncludeTest] = useState(false);
  const query = useInfiniteQuery(portalQueries.tenants({ q: q.trim() || undefined, test: includeTest }));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-label="Tenants">
      <div className="flex flex-wrap items-end gap-4">
        <SearchField id="tenant-search" label="Search" value={q} onChange={setQ} placeholder="Name, code, tenant, instance or order" className="w-72" />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={includeTest} onChange={(e) => setIncludeTest(e.target.checked)} /> Include test data
        </label>
      </div>
      <QueryState query={query} isEmpty={rows.length === 0} empty="No tenants match.">
        <table className="mt-4 w-full border-collapse overflow-hidden rounded-lg bg-white text-sm shadow-sm">
          <TableHead columns={["Name", "Code", "Tenant ID", "Instance", { label: "Users", align: "right" }, { label: "Departments", align: "right" }]} />
          <tbody>
            {rows.map((t) => (
              <tr key={t.id} className="border-t border-slate-100">
                <td className="px-3 py-2">
                  <Link className="font-medium text-slate-900 underline-offset-2 hover:underline" href={`/portal/tenants/${t.id}`}>
                    {t.name || "(name not synced yet)"}
                  </Link>
                  {t.isTest ? <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900">test</span> : null}
                </td>
                <td className="px-3 py-2">{t.tenantCode}</td>
                <td className="px-3 py-2 font-mono text-xs">{t.tenantId}</td>
                <td className="px-3 py-2 font-mono text-xs">{t.instanceKey || "—"}</td>
                <td className="px-3 py-2 text-right">{t._count.users}</td>
                <td className="px-3 py-2 text-right">{t._count.departments}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore query={query} />
      </QueryState>
    </section>
  );
}
