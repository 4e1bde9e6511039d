"use client";
// A tenant's organisation tree: two levels at a time, deeper levels fetched
// when a department is expanded, so 20,000 departments never render at once.
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { SearchField } from "@/components/ui/field";
import { portalQueries, type OrgNode } from "@/components/portal/queries";

function OrgBranch({ tenantRowId, node, level }: { tenantRowId: string; node: OrgNode; level: number }) {
  const t = useTranslations("tenants.org");
  const [isOpen, setIsOpen] = useState(false);
  const needsFetch = isOpen && node.childCount > 0 && node.children.length === 0;
  const sub = useQuery({ ...portalQueries.orgSubtree(tenantRowId, node.orgCode), enabled: needsFetch });
  const children = node.children.length ? node.children : (sub.data?.roots[0]?.children ?? []);
  return (
    <li role="treeitem" aria-expanded={node.childCount ? isOpen : undefined} aria-level={level} aria-selected={false}>
      <div className="flex items-center gap-2 py-1">
        {node.childCount ? (
          <button
            type="button"
            onClick={() => setIsOpen(!isOpen)}
            className="h-6 w-6 rounded text-slate-700 hover:bg-slate-100"
            aria-label={isOpen ? t("collapse", { name: node.orgName }) : t("expand", { name: node.orgName })}
          >
            {isOpen ? "▾" : "▸"}
          </button>
        ) : (
          <span className="inline-block h-6 w-6" aria-hidden="true" />
        )}
        <span className={node.isPendingParent ? "italic text-slate-500" : ""}>{node.orgName}</span>
        <span className="font-mono text-xs text-slate-500">{node.orgCode}</span>
        <span className="rounded bg-slate-100 px-1.5 text-xs text-slate-700" title={t("userCountTitle")}>
          {t("userCount", { here: node.userCount, total: node.totalUserCount })}
        </span>
      </div>
      {isOpen ? (
        sub.isPending && needsFetch ? (
          <p className="ml-8 text-xs text-slate-500">{t("loading")}</p>
        ) : (
          <ul role="group" className="ml-6 border-l border-slate-200 pl-2">
            {children.map((c) => (
              <OrgBranch key={c.orgCode} tenantRowId={tenantRowId} node={c} level={level + 1} />
            ))}
          </ul>
        )
      ) : null}
    </li>
  );
}

export function OrgTreeView({ tenantRowId }: { tenantRowId: string }) {
  const t = useTranslations("tenants.org");
  const [q, setQ] = useState("");
  const tree = useQuery(portalQueries.orgSubtree(tenantRowId));
  const search = useQuery(portalQueries.orgSearch(tenantRowId, q.trim()));
  return (
    <section aria-labelledby="org-heading" className="rounded-lg border border-slate-200 bg-white p-4">
      <h2 id="org-heading" className="text-lg font-semibold">
        {t("heading")}
      </h2>
      {tree.data ? (
        <p className="mt-1 text-xs text-slate-600">
          {t("departments", { count: tree.data.departmentCount })}
          {tree.data.unplacedUserCount ? t("unplaced", { count: tree.data.unplacedUserCount }) : null}
        </p>
      ) : null}
      <SearchField id="org-search" label={t("search")} value={q} onChange={setQ} placeholder={t("searchPlaceholder")} className="mt-3 w-72" />
      {q.trim() ? (
        <ul className="mt-3 space-y-1 text-sm" aria-label={t("matches")}>
          {search.data?.matches.map((m) => (
            <li key={m.orgCode}>
              <span className="text-slate-500">
                {m.path.map((p) => p.orgName ?? p.orgCode).join(" / ")}
                {m.path.length ? " / " : ""}
              </span>
              <span className="font-medium">{m.orgName}</span> <span className="font-mono text-xs text-slate-500">{m.orgCode}</span>
            </li>
          ))}
          {search.data && search.data.matches.length === 0 ? <li className="text-slate-600">{t("noMatch")}</li> : null}
        </ul>
      ) : tree.isPending ? (
        <p className="mt-3 text-sm text-slate-600">{t("loading")}</p>
      ) : tree.isError ? (
        <p role="alert" className="mt-3 text-sm text-red-800">
          {tree.error.message}
        </p>
      ) : (
        <ul role="tree" aria-labelledby="org-heading" className="mt-3 text-sm">
          {tree.data.roots.map((n) => (
            <OrgBranch key={n.orgCode} tenantRowId={tenantRowId} node={n} level={1} />
          ))}
        </ul>
      )}
    </section>
  );
}
