// react-query option factories for the portal's JSON APIs, in one place so
// reads, prefetches and invalidations agree on keys.
import { infiniteQueryOptions, queryOptions } from "@tanstack/react-query";
import type { DepartmentMatch, OrgTree as OrgTreeData, OrgTreeNode } from "@/lib/org/read-org-tree";
import type { TenantDetail } from "@/lib/tenants/get-tenant";
import type { SyncEventRow } from "@/lib/tenants/list-sync-events";
import type { TenantListRow } from "@/lib/tenants/list-tenants";
import type { TenantUserRow } from "@/lib/tenants/list-tenant-users";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Sends JSON and reads the answer; a 4xx/5xx becomes an ApiError with the server's message. */
export async function sendJson<T>(url: string, method: "POST" | "PATCH" | "DELETE", body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiError(res.status, answer.error?.message ?? `request failed (${res.status})`);
  return answer as T;
}

export async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  const body = (await res.json().catch(() => ({}))) as { error?: { message?: string } };
  if (!res.ok) throw new ApiError(res.status, body.error?.message ?? `request failed (${res.status})`);
  return body as T;
}

export type Page<T> = { items: T[]; nextCursor: string | null };

/** Every list API pages by keyset: no cursor for the first page, then the answer's `nextCursor` until it is null. */
export const keysetPaging = {
  initialPageParam: undefined as string | undefined,
  getNextPageParam: (last: Page<unknown>) => last.nextCursor ?? undefined,
};

/** A server type as it arrives through JSON (dates become ISO strings): the client never restates the server's shapes. */
export type Serialized<T> = T extends Date ? string : T extends (infer U)[] ? Serialized<U>[] : T extends object ? { [K in keyof T]: Serialized<T[K]> } : T;

export function withParams(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export type TenantListItem = Serialized<TenantListRow>;
export type TenantItem = Serialized<TenantDetail>;
export type TenantUserItem = Serialized<TenantUserRow>;
export type OrgNode = OrgTreeNode;
export type OrgTree = OrgTreeData;
export type OrgMatch = DepartmentMatch;
/** `counts` is a JSON column: per-sync tallies written by lib/tenants and lib/org (numbers only). */
export type SyncEventItem = Omit<Serialized<SyncEventRow>, "counts" | "diff"> & { counts: Record<string, number>; diff: unknown };

export const portalQueries = {
  tenants: (filter: { q?: string; test?: boolean; deleted?: boolean }) =>
    infiniteQueryOptions({
      queryKey: ["portal", "tenants", filter],
      queryFn: ({ pageParam }) =>
        getJson<Page<TenantListItem>>(
          withParams("/api/portal/tenants", { q: filter.q, test: filter.test ? "1" : undefined, deleted: filter.deleted ? "1" : undefined, cursor: pageParam }),
        ),
      ...keysetPaging,
    }),
  tenant: (tenantRowId: string) =>
    queryOptions({
      queryKey: ["portal", "tenant", tenantRowId, "detail"],
      queryFn: () => getJson<TenantItem>(`/api/portal/tenants/${encodeURIComponent(tenantRowId)}`),
    }),
  tenantUsers: (tenantRowId: string, filter: { q?: string; role?: string; enabled?: string; status?: string }) =>
    infiniteQueryOptions({
      queryKey: ["portal", "tenant", tenantRowId, "users", filter],
      queryFn: ({ pageParam }) => getJson<Page<TenantUserItem>>(withParams(`/api/portal/tenants/${tenantRowId}/users`, { ...filter, cursor: pageParam })),
      ...keysetPaging,
    }),
  orgSubtree: (tenantRowId: string, root?: string) =>
    queryOptions({
      queryKey: ["portal", "tenant", tenantRowId, "org", root ?? ""],
      queryFn: () => getJson<OrgTree>(withParams(`/api/portal/tenants/${tenantRowId}/org`, { root, depth: "2" })),
      staleTime: 60_000,
    }),
  orgSearch: (tenantRowId: string, q: string) =>
    queryOptions({
      queryKey: ["portal", "tenant", tenantRowId, "org-search", q],
      queryFn: () => getJson<{ matches: OrgMatch[] }>(withParams(`/api/portal/tenants/${tenantRowId}/org`, { q })),
      enabled: q.trim().length > 0,
    }),
  syncEvents: (tenantRowId: string) =>
    infiniteQueryOptions({
      queryKey: ["portal", "tenant", tenantRowId, "sync-events"],
      queryFn: ({ pageParam }) =>
        getJson<Page<SyncEventItem>>(withParams(`/api/portal/tenants/${tenantRowId}/sync-events`, { cursor: pageParam, limit: "20" })),
      ...keysetPaging,
    }),
};
