"use client";
// Loading, error and empty states shared by the portal's lists.
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { secondaryButtonClass } from "@/components/ui/card";

type QueryLike = { isPending: boolean; isError: boolean; error: Error | null };

export function QueryState({ query, isEmpty, empty, children }: { query: QueryLike; isEmpty: boolean; empty: string; children?: ReactNode }) {
  const t = useTranslations("common.state");
  if (query.isPending)
    return (
      <p className="mt-4 text-sm text-slate-600" aria-live="polite">
        {t("loading")}
      </p>
    );
  if (query.isError)
    return (
      <p role="alert" className="mt-4 rounded bg-red-50 px-3 py-2 text-sm text-red-800">
        {query.error?.message ?? t("couldNotLoad")}
      </p>
    );
  if (isEmpty) return <p className="mt-4 text-sm text-slate-600">{empty}</p>;
  return <>{children}</>;
}

type PagedQueryLike = { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => unknown };

/** The next keyset page of a list, on request (no page numbers: the APIs never count). */
export function LoadMore({ query, className = "mt-4" }: { query: PagedQueryLike; className?: string }) {
  const t = useTranslations("common.state");
  if (!query.hasNextPage) return null;
  return (
    <button type="button" className={`${secondaryButtonClass} ${className}`} onClick={() => void query.fetchNextPage()} disabled={query.isFetchingNextPage}>
      {query.isFetchingNextPage ? t("loading") : t("loadMore")}
    </button>
  );
}
