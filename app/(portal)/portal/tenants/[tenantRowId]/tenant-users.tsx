"use client";
// A tenant's grants (authSync): searchable, filtered by role and enabled, paged by cursor.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { SearchField, SelectField } from "@/components/ui/field";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";
import { TableHead } from "@/components/ui/table-head";

const ROLE_OPTIONS = [
  { value: "admin", label: "Admin" },
  { value: "user", label: "User" },
];
const ENABLED_OPTIONS = [
  { value: "true", label: "Enabled" },
  { value: "false", label: "Disabled" },
];

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
        <SearchField id="user-search" label="Search users" value={q} onChange={setQ} placeholder="Account, name or employee code" className="w-64" />
        <SelectField id="user-role" label="Role" value={role} onChange={setRole} options={ROLE_OPTIONS} />
        <SelectField id="user-enabled" label="Enabled" value={enabled} onChange={setEnabled} options={ENABLED_OPTIONS} />
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
