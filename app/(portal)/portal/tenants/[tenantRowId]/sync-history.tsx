"use client";
// A tenant's Kit syncs, newest first, with each full sync's diff on demand.
// The sync kinds (tenantSync, allOrgSync…) are KooGallery's activity names and stay as they are.
import { useInfiniteQuery } from "@tanstack/react-query";
import { useFormatter, useTranslations } from "next-intl";
import { useTimeFormat } from "@/components/i18n/use-time-format";
import { portalQueries } from "@/components/portal/queries";
import { QueryState, LoadMore } from "@/components/portal/query-state";

const COUNT_NAMES = [
  "added",
  "updated",
  "restored",
  "deleted",
  "unchanged",
  "received",
  "revoked",
  "unknown",
  "orphanedUsers",
  "restoredUsers",
  "skipped",
  "renamed",
  "moved",
  "removed",
  "attachedChildren",
  "detachedChildren",
  "total",
  "pendingParent",
] as const;

export function SyncHistory({ tenantRowId }: { tenantRowId: string }) {
  const t = useTranslations("tenants.sync");
  const format = useFormatter();
  const { time } = useTimeFormat();
  const countName = (key: string) => ((COUNT_NAMES as readonly string[]).includes(key) ? t(`counts.${key as (typeof COUNT_NAMES)[number]}`) : key);
  const query = useInfiniteQuery(portalQueries.syncEvents(tenantRowId));
  const rows = query.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <section aria-labelledby="sync-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="sync-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      <QueryState query={query} isEmpty={rows.length === 0} empty={t("empty")}>
        <ul className="mt-3 divide-y divide-slate-100 text-sm">
          {rows.map((e) => (
            <li key={e.id} className="py-2">
              <div className="flex flex-wrap gap-3">
                <span className="font-medium">{e.kind}</span>
                <time className="text-slate-600" dateTime={e.createdAt}>
                  {time(e.createdAt)}
                </time>
                <span className="text-slate-700">
                  {format.list(
                    Object.entries(e.counts).map(([k, v]) => t("count", { name: countName(k), count: String(v) })),
                    { type: "unit" },
                  )}
                </span>
                {e.isTest ? <span className="rounded bg-amber-100 px-1.5 text-xs text-amber-900">{t("testBadge")}</span> : null}
              </div>
              {e.diff ? (
                <details className="mt-1">
                  <summary className="cursor-pointer text-xs text-slate-600">{t("whatChanged")}</summary>
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
