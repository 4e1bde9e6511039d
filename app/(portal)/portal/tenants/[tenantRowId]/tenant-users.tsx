"use client";
// A tenant's grants (authSync): searchable, filtered by role and enabled, paged by cursor.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { inputClass } from "@/components/ui/card";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { TableHead } from "@/components/ui/table-head";

export function TenantUsers({ tenantRowId }: { tenantRowId: string }) {
  const [q, setQ] = useState("");
  const [role, setRole] = useState("");
  const [enabled, setEnabled] = useState("");
  const query = useInfiniteQuery(portalQueries.tenantUsers(tenantRowId, { q: q.trim() || undefined, role: role || undefined, enabled: enabled || undefined }));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="users-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="users-heading" className="text-lg font-semibold">
        Users with access
      </h2>
      <div className="mt-3 flex flex-wrap items-end gap-3">
        <div className="w-64">
          <label htmlFor="user-search" className="block text-sm font-medium">
            Search users
          </label>
          <input
            id="user-search"
            type="search"
            value={q}
            onChange={(e) => setQ(e.target.value)}
            className={inputClass}
            placeholder="Account, name or employee code"
          />
        </div>
        <div>
          <label htmlFor="user-role" className="block text-sm font-medium">
            Role
          </label>
          <select id="user-role" value={role} onChange={(e) => setRole(e.target.value)} className={inputClass}>
            <option value="">Any</option>
            <option value="admin">Admin</option>
            <option value="user">User</option>
          </select>
        </div>
        <div>
          <label htmlFor="user-enabled" className="block text-sm font-medium">
            Enabled
          </label>
          <select id="user-enabled" value={enabled} onChange={(e) => setEnabled(e.target.value)} className={inputClass}>
            <option value="">Any</option>
            <option value="true">Enabled</option>
            <option value="false">Disabled</option>
          </select>
        </div>
      </div>
      <QueryState query={query} isEmpty={rows.length === 0} empty="No users match.">
        <table className="mt-3 w-full text-sm">
          <TableHead variant="plain" columns={["Account", "Name", "Department", "Role", "Access"]} />
          <tbody>
            {rows.map((u) => (
              <tr key={u.id} className="border-t border-slate-100">
                <td className="py-2 font-mono text-xs">{u.userName}</td>
                <td className="py-2">{u.name}</td>
                <td className="py-2">
                  {u.orgCode}
                  {u.isOrphaned ? <span className="ml-1 text-xs text-amber-800">(department removed)</span> : null}
                </td>
                <td className="py-2">{u.role}</td>
                <td className="py-2">{u.status !== "ACTIVE" ? u.status.toLowerCase() : u.isEnabled ? "enabled" : "disabled"}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <LoadMore query={query} className="mt-3" />
      </QueryState>
    </section>
  );
}
