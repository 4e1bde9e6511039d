// Deterministic organisation trees for tests and the bench (bench/org-sync.ts):
// the same seed always gives the same departments, so figures are comparable.
import type { OrgEntry } from "@/lib/org/diff-org-tree";

/** mulberry32: small, fast, good enough to spread departments. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Level sizes growing by `growth`, summing to count (the deepest level takes the rest). */
function levelSizes(count: number, depth: number, growth: number): number[] {
  const weights = Array.from({ length: depth }, (_, level) => growth ** level);
  const sum = weights.reduce((a, b) => a + b, 0);
  const sizes = weights.map((w) => Math.max(1, Math.floor((count * w) / sum)));
  const rest = count - sizes.slice(0, -1).reduce((a, b) => a + b, 0);
  sizes[depth - 1] = rest;
  return sizes;
}

export type GeneratedOrgTree = { entries: OrgEntry[]; levels: string[][] };

/**
 * `count` departments over `depth` levels; level n's departments are spread
 * evenly over level n-1's. orgCodes are `${prefix}${index}`.
 */
export function generateOrgTree(opts: { count: number; depth: number; prefix?: string; growth?: number }): GeneratedOrgTree {
  const prefix = opts.prefix ?? "D";
  const sizes = levelSizes(opts.count, opts.depth, opts.growth ?? 2.5);
  const entries: OrgEntry[] = [];
  const levels: string[][] = [];
  let index = 0;
  for (const [level, size] of sizes.entries()) {
    const parents = levels[level - 1] ?? [];
    const codes: string[] = [];
    for (let i = 0; i < size; i++) {
      const orgCode = `${prefix}${String(index).padStart(6, "0")}`;
      index += 1;
      const parentCode = parents.length > 0 ? (parents[i % parents.length] ?? "") : "";
      entries.push({ orgCode, orgName: `部门 ${level + 1}-${i}`, parentCode });
      codes.push(orgCode);
    }
    levels.push(codes);
  }
  return { entries, levels };
}

/**
 * The same tree after `move` departments got another parent one level up and
 * `remove` departments were deleted (their children stay, parent pending).
 * Parents always sit one level higher, so the result has no cycle.
 */
export function reshapeOrgTree(tree: GeneratedOrgTree, opts: { move: number; remove: number; seed?: number }): OrgEntry[] {
  const random = seededRandom(opts.seed ?? 1);
  const levelOf = new Map<string, number>();
  for (const [level, codes] of tree.levels.entries()) for (const code of codes) levelOf.set(code, level);
  const movable = tree.entries.filter((e) => (levelOf.get(e.orgCode) ?? 0) > 0);

  const pick = <T>(items: T[], n: number): T[] => {
    const copy = [...items];
    for (let i = 0; i < n && i < copy.length; i++) {
      const j = i + Math.floor(random() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
    }
    return copy.slice(0, n);
  };
  const moved = new Map<string, string>();
  for (const entry of pick(movable, opts.move)) {
    const candidates = tree.levels[(levelOf.get(entry.orgCode) ?? 1) - 1] ?? [];
    // Another parent on the same level as the current one.
    let parentCode = entry.parentCode;
    for (let tries = 0; tries < 8 && parentCode === entry.parentCode && candidates.length > 1; tries++) {
      parentCode = candidates[Math.floor(random() * candidates.length)] ?? entry.parentCode;
    }
    moved.set(entry.orgCode, parentCode);
  }
  const notMoved = tree.entries.filter((e) => !moved.has(e.orgCode));
  const removed = new Set(pick(notMoved, opts.remove).map((e) => e.orgCode));
  return tree.entries
    .filter((e) => !removed.has(e.orgCode))
    .map((e) => {
      const parentCode = moved.get(e.orgCode);
      return parentCode === undefined ? e : { ...e, parentCode };
    });
}
