"use client";
// A tenant's Kit syncs, newest first, with each full sync's diff on demand.
import { useInfiniteQuery } from "@tanstack/react-query";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";

export function SyncHistory({ tenantRowId }: { tenantRowId: string }) {
  const query = useInfiniteQuery(portalQueries.syncEvents(tenantRowId));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="sync-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="sync-heading" className="text-lg font-semibold">
        Sync history
      </h2>
      <QueryState query={query} isEmpty={rows.length === 0} empty="No syncs yet.">
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {rows.map((e) => (
            <li key={e.id} className="py-2">
              <div className="flex flex-wrap gap-3">
                <span className="font-medium">{e.kind}</span>
                <time className="text-slate-600" dateTime={e.createdAt}>
                  {new Date(e.createdAt).toLocaleString()}
                </time>
                <span className="text-slate-700">
                  {Object.entries(e.counts)
                    .map(([k, v]) => `${k} ${v}`)
                    .join(", ")}
                </span>
                {e.isTest ? <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900">test</span> : null}
              </div>
              {e.diff ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-600">What changed</summary>
                  <pre className="mt-1 max-h-64 overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(e.diff, null, 2)}</pre>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        <LoadMore query={query} className="mt-3" />
      </QueryState>
    </section>
  );
}
