"use client";
// A tenant's grants (authSync): searchable, filtered by role and enabled, paged by cursor.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SearchField, SelectField } from "@/components/ui/field";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { TableHead } from "@/components/ui/table-head";

export function TenantUsers({ tenantRowId }: { tenantRowId: string }) {
  const t = useTranslations("tenants.users");
  const roleLabel = (role: string) => (role === "admin" ? t("roleAdmin") : role === "user" ? t("roleUser") : role);
  const access = (u: { status: string; isEnabled: boolean }) => {
    if (u.status === "REVOKED") return t("access.revoked");
    if (u.status === "DELETED") return t("access.deleted");
    if (u.status !== "ACTIVE") return u.status.toLowerCase();
    return u.isEnabled ? t("access.enabled") : t("access.disabled");
  };
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [enabled, setEnabled] = useState("");
  const query = useInfiniteQuery(portalQueries.tenantUsers(tenantRowId, { q: q.trim() || undefined, role: role || undefined, enabled: enabled || undefined }));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="users-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="users-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <SearchField id="user-search" label={t("search")} value={q} onChange={setQ} placeholder={t("searchPlaceholder")} className="w-64" />
        <SelectField
          id="user-role"
          label={t("role")}
          value={role}
          onChange={setRole}
          options={[
            { value: "admin", label: t("roleAdmin") },
            { value: "user", label: t("roleUser") },
          ]}
        />
        <SelectField
          id="user-enabled"
          label={t("enabled")}
          value={enabled}
          onChange={setEnabled}
          options={[
            { value: "true", label: t("isEnabled") },
            { value: "false", label: t("isDisabled") },
          ]}
        />
      </div>
      <QueryState query={query} isEmpty={rows.length === 0} empty={t("empty")}>
        <table className="mt-3 w-full text-sm">
          <TableHead variant="plain" columns={[t("columns.account"), t("columns.name"), t("columns.department"), t("columns.role"), t("columns.access")]} />
          <tbody>
            {rows.map((u) => (
              <tr key={u.id} className="border-t border-slate-100">
                <td className="py-2 font-mono text-xs">{u.userName}</td>
                <td className="py-2">{u.name}</td>
                <td className="py-2">
                  {u.orgCode}
                  {u.isOrphaned ? <span className="ml-1 text-xs text-amber-800">{t("departmentRemoved")}</span> : null}
                </td>
                <td className="py-2">{roleLabel(u.role)}</td>
                <td className="py-2">{access(u)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore query={query} className="mt-3" />
      </QueryState>
    </section>
  );
}
