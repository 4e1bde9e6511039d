"use client";
// Tenants the viewer may see, searchable, loaded a page at a time.
import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SearchField } from "@/components/ui/field";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { TableHead } from "@/components/ui/table-head";

export function TenantList({ isStaff }: { isStaff: boolean }) {
  const t = useTranslations("tenants.list");
  const [q, setQ] = useState("");
  const [includeTest, setIncludeTest] = useState(false);
  const query = useInfiniteQuery(portalQueries.tenants({ q: q.trim() || undefined, test: includeTest }));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-label={t("label")}>
      <div className="flex flex-wrap items-end gap-4">
        <SearchField id="tenant-search" label={t("search")} value={q} onChange={setQ} placeholder={t("searchPlaceholder")} className="w-72" />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" checked={includeTest} onChange={(e) => setIncludeTest(e.target.checked)} /> {t("includeTest")}
        </label>
      </div>
      <QueryState query={query} isEmpty={rows.length === 0} empty={isStaff && !q.trim() && !includeTest ? t("emptyFirst") : t("empty")}>
        <table className="mt-4 w-full border-collapse overflow-hidden rounded-lg bg-white text-sm shadow-sm">
          <TableHead
            columns={[
              t("columns.name"),
              t("columns.code"),
              t("columns.tenantId"),
              t("columns.instance"),
              { label: t("columns.users"), align: "right" },
              { label: t("columns.departments"), align: "right" },
            ]}
          />
          <tbody>
            {rows.map((tenant) => (
              <tr key={tenant.id} className="border-t border-slate-100">
                <td className="px-3 py-2">
                  <Link className="font-medium text-slate-900 underline-offset-2 hover:underline" href={`/portal/tenants/${tenant.id}`}>
                    {tenant.name || t("nameNotSynced")}
                  </Link>
                  {tenant.isTest ? <span className="ml-2 rounded bg-amber-100 px-1.5 text-xs text-amber-900">{t("testBadge")}</span> : null}
                </td>
                <td className="px-3 py-2">{tenant.tenantCode}</td>
                <td className="px-3 py-2 font-mono text-xs">{tenant.tenantId}</td>
                <td className="px-3 py-2 font-mono text-xs">{tenant.instanceKey || t("none")}</td>
                <td className="px-3 py-2 text-right">{tenant._count.users}</td>
                <td className="px-3 py-2 text-right">{tenant._count.departments}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore query={query} />
      </QueryState>
    </section>
  );
}
