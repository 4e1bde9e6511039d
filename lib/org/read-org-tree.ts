// Reads of a tenant's organisation tree for the portal: the whole tree or a
// subtree with user counts, and a department search with ancestor paths. One
// query for the departments, one grouped count for the users; the tree is
// built in memory, which for 20,000 departments is far cheaper than a
// recursive query per level.
import { loadDepartmentTuples, type OrgReader } from "@/lib/org/load-departments";
import { runSql, sql } from "@/lib/sql/insert-sql";

export type OrgTreeNode = {
  orgCode: string;
  orgName: string;
  parentCode: string;
  /** Active grants in this department, once per userName. */
  userCount: number;
  /** userCount of this department and all its descendants (a userName granted in two departments counts in both). */
  totalUserCount: number;
  /** Children in this department; empty past the requested depth (see childCount). */
  children: OrgTreeNode[];
  childCount: number;
  /** parentCode names a department the tenant does not have (yet): shown at the top. */
  isPendingParent: boolean;
};

export type OrgTree = {
  roots: OrgTreeNode[];
  departmentCount: number;
  /** Active users whose orgCode matches no department. */
  unplacedUserCount: number;
};

export type OrgTreeOptions = {
  /** Only this department and its descendants; an unknown code gives no roots. */
  rootOrgCode?: string;
  /** Levels returned, counting the roots as 1; deeper children are left out (totals still include them). */
  depth?: number;
};

/** One shape for every node (a class, not spreads: 20,000 of them are built per read). */
class Node implements OrgTreeNode {
  userCount = 0;
  totalUserCount = 0;
  children: Node[] = [];
  childCount = 0;
  isPendingParent = false;
  constructor(
    readonly orgCode: string,
    readonly orgName: string,
    readonly parentCode: string,
  ) {}
}

async function countUsersByOrgCode(db: OrgReader, tenantRowId: string): Promise<{ orgCode: string; users: number }[]> {
  return runSql<{ orgCode: string; users: number }>(
    { tx: db },
    sql`SELECT "orgCode", count(DISTINCT "userName")::int AS users
       FROM "TenantUser"
      WHERE "tenantRowId" = ${tenantRowId} AND status = 'ACTIVE'
      GROUP BY "orgCode"`,
  );
}

const byNameThenCode = (a: Node, b: Node) =>
  a.orgName < b.orgName ? -1 : a.orgName > b.orgName ? 1 : a.orgCode < b.orgCode ? -1 : a.orgCode > b.orgCode ? 1 : 0;

export async function getOrgTree(db: OrgReader, tenantRowId: string, options: OrgTreeOptions = {}): Promise<OrgTree> {
  const [departments, users] = await Promise.all([loadDepartmentTuples(db, tenantRowId), countUsersByOrgCode(db, tenantRowId)]);

  const byCode = new Map<string, Node>();
  for (const [orgCode, orgName, parentCode] of departments) byCode.set(orgCode, new Node(orgCode, orgName, parentCode));
  let unplacedUserCount = 0;
  for (const { orgCode, users: count } of users) {
    const node = byCode.get(orgCode);
    if (node) node.userCount = node.totalUserCount = count;
    else unplacedUserCount += count;
  }
  const roots: Node[] = [];
  for (const node of byCode.values()) {
    const parent = node.parentCode === "" ? undefined : byCode.get(node.parentCode);
    if (parent) parent.children.push(node);
    else {
      node.isPendingParent = node.parentCode !== "";
      roots.push(node);
    }
  }

  // Totals bottom-up without recursion (a tree may be deep): a pre-order list
  // reversed visits every child before its parent. The writers refuse cycles,
  // so every department hangs under a root; one on a loop (a corrupted table)
  // is simply not reached.
  const order: Node[] = [];
  const stack = [...roots];
  for (let node = stack.pop(); node; node = stack.pop()) {
    order.push(node);
    node.childCount = node.children.length;
    if (node.childCount > 1) node.children.sort(byNameThenCode);
    for (const child of node.children) stack.push(child);
  }
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i] as Node;
    for (const child of node.children) node.totalUserCount += child.totalUserCount;
  }

  let top = roots.sort(byNameThenCode);
  if (options.rootOrgCode !== undefined) {
    const root = byCode.get(options.rootOrgCode);
    top = root ? [root] : [];
  }
  const depth = options.depth === undefined ? undefined : Math.max(1, Math.floor(options.depth));
  return { roots: depth === undefined ? top : top.map((node) => truncate(node, depth)), departmentCount: byCode.size, unplacedUserCount };
}

/** A copy down to `depth` levels (iterative); nodes past it are left out, childCount still tells. */
function truncate(root: Node, depth: number): OrgTreeNode {
  const copy = (node: Node): OrgTreeNode => ({
    orgCode: node.orgCode,
    orgName: node.orgName,
    parentCode: node.parentCode,
    userCount: node.userCount,
    totalUserCount: node.totalUserCount,
    children: [],
    childCount: node.childCount,
    isPendingParent: node.isPendingParent,
  });
  const out = copy(root);
  const stack: { from: Node; to: OrgTreeNode; level: number }[] = [{ from: root, to: out, level: 1 }];
  for (let item = stack.pop(); item; item = stack.pop()) {
    if (item.level >= depth) continue;
    for (const child of item.from.children) {
      const next = copy(child);
      item.to.children.push(next);
      stack.push({ from: child, to: next, level: item.level + 1 });
    }
  }
  return out;
}

export type DepartmentMatch = {
  orgCode: string;
  orgName: string;
  parentCode: string;
  /** Ancestors, top first; a pending ancestor (not received yet) has orgName null and ends the path. */
  path: { orgCode: string; orgName: string | null }[];
};

/** Departments whose name or code contains q (case-insensitive), exact code first. */
export async function searchDepartments(db: OrgReader, tenantRowId: string, q: string, limit = 20): Promise<DepartmentMatch[]> {
  const term = q.trim();
  if (term === "") return [];
  const pattern = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const max = Math.min(Math.max(1, Math.floor(limit)), 100);
  const matches = await runSql<{ orgCode: string; orgName: string; parentCode: string }>(
    { tx: db },
    sql`SELECT "orgCode", "orgName", "parentCode" FROM "Department"
      WHERE "tenantRowId" = ${tenantRowId} AND ("orgName" ILIKE ${pattern} ESCAPE '\\' OR "orgCode" ILIKE ${pattern} ESCAPE '\\')
      ORDER BY ("orgCode" = ${term}) DESC, "orgName", "orgCode"
      LIMIT ${max}`,
  );
  if (matches.length === 0) return [];

  // Walk up from each match by parentCode; the depth cap ends the walk on a corrupted (cyclic) table.
  const codes = matches.map((m) => m.orgCode);
  const parents = matches.map((m) => m.parentCode);
  const ancestors = await runSql<{ match: string; depth: number; orgCode: string; orgName: string | null }>(
    { tx: db },
    sql`WITH RECURSIVE up(match, depth, code) AS (
       SELECT m.code, 1, m.parent FROM unnest(${codes}::text[], ${parents}::text[]) AS m(code, parent) WHERE m.parent <> ''
       UNION ALL
       SELECT up.match, up.depth + 1, d."parentCode"
         FROM up JOIN "Department" d ON d."tenantRowId" = ${tenantRowId} AND d."orgCode" = up.code
        WHERE d."parentCode" <> '' AND up.depth < 1000
     )
     SELECT up.match, up.depth, up.code AS "orgCode", d."orgName"
       FROM up LEFT JOIN "Department" d ON d."tenantRowId" = ${tenantRowId} AND d."orgCode" = up.code
      ORDER BY up.match, up.depth DESC`,
  );
  const paths = new Map<string, DepartmentMatch["path"]>();
  for (const a of ancestors) {
    const path = paths.get(a.match) ?? [];
    path.push({ orgCode: a.orgCode, orgName: a.orgName });
    paths.set(a.match, path);
  }
  return matches.map((m) => ({ ...m, path: paths.get(m.orgCode) ?? [] }));
}
