"use client";
// Loading, error and empty states shared by the portal's lists.
import type { ReactNode } from "react";

type QueryLike = { isPending: boolean; isError: boolean; error: Error | null };

export function QueryState({ query, isEmpty, empty, children }: { query: QueryLike; isEmpty: boolean; empty: string; children: ReactNode }) {
  if (query.isPending) return <p className="mt-4 text-sm text-slate-600" aria-live="polite">Loading…</p>;
  if (query.isError) return <p role="alert" className="mt-4 rounded bg-red-50 px-3 py-2 text-sm text-red-800">{query.error?.message ?? "Could not load."}</p>;
  if (isEmpty) return <p className="mt-4 text-sm text-slate-600">{empty}</p>;
  return <>{children}</>;
}
