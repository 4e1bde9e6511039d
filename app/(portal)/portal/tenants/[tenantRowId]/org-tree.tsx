"use client";
// A tenant's organisation tree: two levels at a time, deeper levels fetched
// when a department is expanded, so 20,000 departments never render at once.
// Keyboard: the WAI-ARIA tree view pattern, one tab stop for the whole tree.
import { useQuery } from "@tanstack/react-query";
import { useTranslations } from "next-intl";
import { createContext, useContext, useMemo, useRef, useState, type KeyboardEvent } from "react";
import { SearchField } from "@/components/ui/field";
import { portalQueries, type OrgNode } from "@/components/portal/queries";

/** The tree's one tab stop (roving tabindex): the department last focused, else the first. */
const ActiveItem = createContext<{ active: string | undefined; setActive(code: string): void }>({ active: undefined, setActive: () => undefined });

/** The rendered tree items in order: a collapsed department renders no children, so these are the visible ones. */
function visibleItems(from: HTMLElement): HTMLElement[] {
  const tree = from.closest<HTMLElement>('[role="tree"]');
  return tree ? Array.from(tree.querySelectorAll<HTMLElement>('[role="treeitem"]')) : [];
}

function OrgBranch({ tenantRowId, node, level, isFirst }: { tenantRowId: string; node: OrgNode; level: number; isFirst: boolean }) {
  const t = useTranslations("tenants.org");
  const { active, setActive } = useContext(ActiveItem);
  const item = useRef<HTMLLIElement>(null);
  const [isOpen, setIsOpen] = useState(false);
  const needsFetch = isOpen && node.childCount > 0 && node.children.length === 0;
  const sub = useQuery({ ...portalQueries.orgSubtree(tenantRowId, node.orgCode), enabled: needsFetch });
  const children = node.children.length ? node.children : (sub.data?.roots[0]?.children ?? []);
  const hasChildren = node.childCount > 0;
  const toggle = (open: boolean) => {
    // Closing over the tab stop would leave the tree without one: it moves here.
    if (!open && item.current?.querySelector('[role="group"] [tabindex="0"]')) {
      setActive(node.orgCode);
      item.current.focus();
    }
    setIsOpen(open);
  };
  // The WAI-ARIA tree view pattern: ↑ ↓ move, → opens or enters, ← closes or goes up, Home and End, Enter and Space toggle.
  const onKeyDown = (e: KeyboardEvent<HTMLLIElement>) => {
    if (e.target !== e.currentTarget) return;
    const here = e.currentTarget;
    const items = visibleItems(here);
    const at = items.indexOf(here);
    const go = (target: HTMLElement | null | undefined) => target?.focus();
    const keys: Record<string, () => void> = {
      ArrowDown: () => go(items[at + 1]),
      ArrowUp: () => go(items[at - 1]),
      Home: () => go(items[0]),
      End: () => go(items[items.length - 1]),
      ArrowRight: () => (hasChildren && !isOpen ? toggle(true) : go(here.querySelector<HTMLElement>(':scope > [role="group"] > [role="treeitem"]'))),
      ArrowLeft: () => (isOpen ? toggle(false) : go(here.parentElement?.closest<HTMLElement>('[role="treeitem"]'))),
      Enter: () => hasChildren && toggle(!isOpen),
      " ": () => hasChildren && toggle(!isOpen),
    };
    const action = keys[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };
  const isTabStop = active === undefined ? level === 1 && isFirst : active === node.orgCode;
  return (
    <li
      ref={item}
      role="treeitem"
      aria-expanded={hasChildren ? isOpen : undefined}
      aria-level={level}
      aria-selected={false}
      tabIndex={isTabStop ? 0 : -1}
      onKeyDown={onKeyDown}
      onFocus={(e) => {
        if (e.target === e.currentTarget) setActive(node.orgCode);
      }}
      className="rounded outline-none focus-visible:ring-2 focus-visible:ring-sky-600"
    >
      <div className="flex cursor-default items-center gap-2 py-1" onClick={() => hasChildren && toggle(!isOpen)}>
        <span
          className="inline-flex h-6 w-6 items-center justify-center rounded text-slate-700 hover:bg-slate-100"
          aria-hidden="true"
          title={hasChildren ? (isOpen ? t("collapse", { name: node.orgName }) : t("expand", { name: node.orgName })) : undefined}
          data-org-toggle={hasChildren ? node.orgCode : undefined}
        >
          {hasChildren ? (isOpen ? "▾" : "▸") : null}
        </span>
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
            {children.map((c, i) => (
              <OrgBranch key={c.orgCode} tenantRowId={tenantRowId} node={c} level={level + 1} isFirst={i === 0} />
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
  const [active, setActive] = useState<string>();
  const activeItem = useMemo(() => ({ active, setActive }), [active]);
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
        <ActiveItem.Provider value={activeItem}>
          <p id="org-keys" className="mt-3 text-xs text-slate-600">
            {t("keyboardHint")}
          </p>
          <ul role="tree" aria-labelledby="org-heading" aria-describedby="org-keys" className="mt-1 text-sm">
            {tree.data.roots.map((n, i) => (
              <OrgBranch key={n.orgCode} tenantRowId={tenantRowId} node={n} level={1} isFirst={i === 0} />
            ))}
          </ul>
        </ActiveItem.Provider>
      )}
    </section>
  );
}
