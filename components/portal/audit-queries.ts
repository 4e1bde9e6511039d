// react-query factory for the audit page: the trail in keyset pages, and the
// address of the same filter's CSV.
import { infiniteQueryOptions } from "@tanstack/react-query";
import { getJson, keysetPaging, withParams, type Page, type Serialized } from "@/components/portal/queries";
import type { AuditEntryView } from "@/lib/audit/audit-reads";

export type AuditItem = Serialized<AuditEntryView>;

/** The filter as the API reads it: days already turned into instants in the viewer's zone. */
export type AuditFilter = { group?: string; action?: string; outcome?: string; actor?: string; subject?: string; from?: string; to?: string };

export const auditQueries = {
  list: (filter: AuditFilter) =>
    infiniteQueryOptions({
      queryKey: ["portal", "audit", filter],
      queryFn: ({ pageParam }) => getJson<Page<AuditItem>>(withParams("/api/portal/audit", { ...filter, cursor: pageParam })),
      ...keysetPaging,
      refetchInterval: 30_000,
    }),
};

export function auditExportUrl(filter: AuditFilter): string {
  return withParams("/api/portal/audit/export.csv", filter);
}
