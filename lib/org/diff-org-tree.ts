// The difference between a tenant's stored departments and a full list from
// allOrgSync (protocol:kit-interface.md#allorgsync). Pure: the caller loads and applies. A full list is
// refused when it names one orgCode twice or its parent links form a cycle; a
// parentCode that is not in the list is allowed (the department waits for its
// parent, which a later singleOrgSync may add).

export type OrgEntry = { orgCode: string; orgName: string; parentCode: string };

export type OrgRename = { orgCode: string; fromName: string; toName: string };
export type OrgMove = { orgCode: string; fromParentCode: string; toParentCode: string };

export type OrgTreeDiff = {
  added: OrgEntry[];
  /** orgName changed. A department both renamed and moved is in both lists. */
  renamed: OrgRename[];
  /** parentCode changed. */
  moved: OrgMove[];
  removed: OrgEntry[];
  unchanged: number;
  /** The new state of every renamed or moved department (what an UPDATE writes). */
  changed: OrgEntry[];
  /** Incoming departments whose parentCode is not in the list. */
  pendingParent: number;
  /** Departments in the incoming list. */
  total: number;
};

export type InvalidOrgListReason = "duplicate" | "cycle";

export class InvalidOrgListError extends Error {
  override name = "InvalidOrgListError";
  constructor(
    readonly reason: InvalidOrgListReason,
    /** The duplicated orgCode, or one orgCode on the cycle. */
    readonly orgCode: string,
    message: string,
  ) {
    super(message);
  }
}

/** The incoming list indexed by position: orgCode -> index, and each entry's parent index (-1: none in the list). */
type IndexedList = { indexOf: Map<string, number>; parentOf: Int32Array };

function indexIncoming(incoming: readonly OrgEntry[]): IndexedList {
  const indexOf = new Map<string, number>();
  for (const [i, entry] of incoming.entries()) {
    indexOf.set(entry.orgCode, i);
    // One map operation per entry: a repeated code does not grow the map.
    if (indexOf.size !== i + 1) {
      throw new InvalidOrgListError("duplicate", entry.orgCode, `orgCode "${entry.orgCode}" appears more than once`);
    }
  }
  const parentOf = new Int32Array(incoming.length);
  for (const [i, entry] of incoming.entries()) {
    parentOf[i] = entry.parentCode === "" ? -1 : (indexOf.get(entry.parentCode) ?? -1);
  }
  return { indexOf, parentOf };
}

const UNSEEN = 0;
const ON_PATH = 1;
const DONE = 2;

/**
 * Every department has at most one parent, so following parent links from each
 * node either ends (top level, a pending parent, a node already cleared) or
 * comes back to a node on the current walk: a cycle. Each node is walked once,
 * so this is linear in the list; returns the index of a node on a cycle.
 */
function findCycle(parentOf: Int32Array): number | undefined {
  const state = new Uint8Array(parentOf.length);
  const path = new Int32Array(parentOf.length);
  for (let start = 0; start < parentOf.length; start++) {
    if (state[start] !== UNSEEN) continue;
    let length = 0;
    let node = start;
    while (node >= 0) {
      if (state[node] === ON_PATH) return node;
      if (state[node] === DONE) break;
      state[node] = ON_PATH;
      path[length++] = node;
      node = parentOf[node] ?? -1;
    }
    for (let i = 0; i < length; i++) state[path[i] ?? 0] = DONE;
  }
  return undefined;
}

function checkIncoming(incoming: readonly OrgEntry[]): IndexedList {
  const indexed = indexIncoming(incoming);
  const onCycle = findCycle(indexed.parentOf);
  if (onCycle !== undefined) {
    const orgCode = incoming[onCycle]?.orgCode ?? "";
    throw new InvalidOrgListError("cycle", orgCode, `parentCode links form a cycle through orgCode "${orgCode}"`);
  }
  return indexed;
}

/** Throws InvalidOrgListError when the list cannot be a tree (repeated orgCode, parent cycle). */
export function validateOrgList(incoming: readonly OrgEntry[]): void {
  checkIncoming(incoming);
}

export function diffOrgTree(current: readonly OrgEntry[], incoming: readonly OrgEntry[]): OrgTreeDiff {
  const { indexOf, parentOf } = checkIncoming(incoming);
  const diff: OrgTreeDiff = { added: [], renamed: [], moved: [], removed: [], changed: [], unchanged: 0, pendingParent: 0, total: incoming.length };
  const isKnown = new Uint8Array(incoming.length);
  for (const before of current) {
    const i = indexOf.get(before.orgCode);
    const next = i === undefined ? undefined : incoming[i];
    if (i === undefined || next === undefined) {
      diff.removed.push(before);
      continue;
    }
    isKnown[i] = 1;
    const isRenamed = before.orgName !== next.orgName;
    const isMoved = before.parentCode !== next.parentCode;
    if (isRenamed) diff.renamed.push({ orgCode: next.orgCode, fromName: before.orgName, toName: next.orgName });
    if (isMoved) diff.moved.push({ orgCode: next.orgCode, fromParentCode: before.parentCode, toParentCode: next.parentCode });
    if (isRenamed || isMoved) diff.changed.push(next);
    else diff.unchanged += 1;
  }
  for (const [i, next] of incoming.entries()) {
    if (isKnown[i] === 0) diff.added.push(next);
    if (parentOf[i] === -1 && next.parentCode !== "") diff.pendingParent += 1;
  }
  return diff;
}
