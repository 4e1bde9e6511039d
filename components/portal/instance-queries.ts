// react-query option factories and shapes for the portal's instance APIs, so
// the list, the detail and the mutations agree on keys (a staff action
// invalidates instanceKeys.detail(id) and instanceKeys.lists()).
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import { getJson, keysetPaging, sendJson, withParams, type Page, type Serialized } from "@/components/portal/queries";
import type { InstanceDetail as ServerInstanceDetail, TimelineItem as ServerTimelineItem } from "@/lib/instances/get-instance-detail";
import type { InstanceListRow } from "@/lib/instances/list-instances";

export type InstanceFilter = {
  q?: string;
  state?: string;
  productId?: string;
  tenantId?: string;
  /** "true" | "false" */
  trial?: string;
  /** Include test data. */
  test?: boolean;
  /** YYYY-MM-DD, inclusive (UTC days). */
  from?: string;
  to?: string;
  sort?: string;
};

export type InstanceListItem = Serialized<InstanceListRow>;
export type TimelineItem = Serialized<ServerTimelineItem>;
export type InstanceDetail = Serialized<ServerInstanceDetail>;

export type InstanceAction = "freeze" | "unfreeze" | "reprovision";

export type RevealedAppInfo = { instanceId: string; frontEndUrl: string | null; adminUrl: string | null; adminUserName: string | null; password: string };

/** The filter as query parameters (the list API and the CSV export read the same ones). */
export function instanceFilterParams(filter: InstanceFilter): Record<string, string | undefined> {
  return {
    q: filter.q?.trim() || undefined,
    state: filter.state || undefined,
    productId: filter.productId?.trim() || undefined,
    tenantId: filter.tenantId?.trim() || undefined,
    trial: filter.trial || undefined,
    test: filter.test ? "1" : undefined,
    from: filter.from || undefined,
    to: filter.to || undefined,
    sort: filter.sort && filter.sort !== "createdAt-desc" ? filter.sort : undefined,
  };
}

export function instanceExportUrl(filter: InstanceFilter): string {
  return withParams("/api/portal/instances/export.csv", instanceFilterParams(filter));
}

/** Key prefixes: a staff action invalidates the instance's detail and every list. */
export const instanceKeys = {
  lists: () => ["portal", "instances"] as const,
  detail: (instanceId: string) => ["portal", "instance", instanceId] as const,
};

export const instanceQueries = {
  list: (filter: InstanceFilter) =>
    infiniteQueryOptions({
      queryKey: [...instanceKeys.lists(), instanceFilterParams(filter)],
      queryFn: ({ pageParam }) =>
        getJson<Page<InstanceListItem>>(withParams("/api/portal/instances", { ...instanceFilterParams(filter), cursor: pageParam, limit: "50" })),
      ...keysetPaging,
    }),
  detail: (instanceId: string) =>
    queryOptions({
      queryKey: instanceKeys.detail(instanceId),
      queryFn: () => getJson<InstanceDetail>(`/api/portal/instances/${encodeURIComponent(instanceId)}`),
    }),
};

export function runInstanceAction(instanceId: string, action: InstanceAction, reason?: string) {
  return sendJson<{ instanceId: string; state: string; provisionStatus: string }>(`/api/portal/instances/${encodeURIComponent(instanceId)}/actions`, "POST", {
    action,
    ...(reason?.trim() ? { reason: reason.trim() } : {}),
  });
}

/** Never cached: the password is shown once, from this answer only. */
export function revealInstancePassword(instanceId: string) {
  return sendJson<RevealedAppInfo>(`/api/portal/instances/${encodeURIComponent(instanceId)}/reveal`, "POST");
}
