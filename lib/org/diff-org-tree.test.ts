import assert from "node:assert/strict";
import { test } from "node:test";
import { diffOrgTree, InvalidOrgListError, validateOrgList, type OrgEntry } from "@/lib/org/diff-org-tree";
import { generateOrgTree, reshapeOrgTree } from "@/testing/sample-org-tree";

const org = (orgCode: string, parentCode = "", orgName = `name ${orgCode}`): OrgEntry => ({ orgCode, orgName, parentCode });

function refusal(fn: () => unknown): InvalidOrgListError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof InvalidOrgListError, `expected InvalidOrgListError, got ${String(error)}`);
    return error;
  }
  assert.fail("expected the list to be refused");
}

test("an empty tenant gets every department as added", () => {
  const diff = diffOrgTree([], [org("A"), org("B", "A"), org("C", "B")]);
  assert.deepEqual(
    diff.added.map((d) => d.orgCode),
    ["A", "B", "C"],
  );
  assert.equal(diff.unchanged, 0);
  assert.equal(diff.total, 3);
  assert.deepEqual([diff.renamed, diff.moved, diff.removed, diff.changed], [[], [], [], []]);
});

test("the same list again changes nothing", () => {
  const list = [org("A"), org("B", "A")];
  const diff = diffOrgTree(
    list,
    list.map((d) => ({ ...d })),
  );
  assert.equal(diff.unchanged, 2);
  assert.deepEqual([diff.added, diff.renamed, diff.moved, diff.removed], [[], [], [], []]);
});

test("renames, moves, both at once and removals are told apart", () => {
  const current = [org("A"), org("B", "A"), org("C", "A"), org("D", "A"), org("E", "A")];
  const incoming = [org("A"), org("B", "A", "renamed B"), org("C", "B"), org("D", "", "renamed D"), org("F", "A")];
  const diff = diffOrgTree(current, incoming);
  assert.deepEqual(diff.added, [org("F", "A")]);
  assert.deepEqual(diff.renamed, [
    { orgCode: "B", fromName: "name B", toName: "renamed B" },
    { orgCode: "D", fromName: "name D", toName: "renamed D" },
  ]);
  assert.deepEqual(diff.moved, [
    { orgCode: "C", fromParentCode: "A", toParentCode: "B" },
    { orgCode: "D", fromParentCode: "A", toParentCode: "" },
  ]);
  assert.deepEqual(
    diff.changed.map((d) => d.orgCode),
    ["B", "C", "D"],
  );
  assert.deepEqual(diff.removed, [org("E", "A")]);
  assert.equal(diff.unchanged, 1);
});

test("a parentCode outside the list is kept as a pending parent", () => {
  const diff = diffOrgTree([], [org("A", "MISSING"), org("B", "A"), org("C", "ALSO-MISSING")]);
  assert.equal(diff.added.length, 3);
  assert.equal(diff.pendingParent, 2);
  assert.equal(diff.added[0]?.parentCode, "MISSING");
});

test("a repeated orgCode refuses the list and names it", () => {
  const error = refusal(() => diffOrgTree([], [org("A"), org("B", "A"), org("A", "", "again")]));
  assert.equal(error.reason, "duplicate");
  assert.equal(error.orgCode, "A");
  assert.match(error.message, /"A"/);
});

test("a department that is its own parent is a cycle", () => {
  const error = refusal(() => validateOrgList([org("A"), org("B", "B")]));
  assert.equal(error.reason, "cycle");
  assert.equal(error.orgCode, "B");
});

test("a cycle is refused and the error names an orgCode on it, not on the tail leading to it", () => {
  // T1 -> T2 -> C1 -> C2 -> C3 -> C1; R is a separate healthy tree.
  const list = [org("R"), org("X", "R"), org("T1", "T2"), org("T2", "C1"), org("C1", "C2"), org("C2", "C3"), org("C3", "C1")];
  for (const order of [list, [...list].reverse()]) {
    const error = refusal(() => diffOrgTree([], order));
    assert.equal(error.reason, "cycle");
    assert.ok(["C1", "C2", "C3"].includes(error.orgCode), `named ${error.orgCode}`);
  }
});

test("a cycle through a department the tenant already has is still refused (only the list counts)", () => {
  const error = refusal(() => diffOrgTree([org("A"), org("B", "A")], [org("A", "B"), org("B", "A")]));
  assert.equal(error.reason, "cycle");
});

test("a 20,000-deep chain is checked without recursion", () => {
  const chain = Array.from({ length: 20_000 }, (_, i) => org(`N${i}`, i === 0 ? "" : `N${i - 1}`));
  assert.equal(diffOrgTree([], chain).added.length, 20_000);
  chain[0] = org("N0", "N19999");
  assert.equal(refusal(() => validateOrgList(chain)).reason, "cycle");
});

test("20,000 departments over 8 levels diff in well under 100 ms", (t) => {
  const tree = generateOrgTree({ count: 20_000, depth: 8 });
  const next = reshapeOrgTree(tree, { move: 2_000, remove: 1_000 });
  // Best of three: the first run pays for JIT compilation, and a shared machine adds noise.
  const best = (fn: () => unknown) =>
    Math.min(
      ...[0, 1, 2].map(() => {
        const started = performance.now();
        fn();
        return performance.now() - started;
      }),
    );

  const initial = diffOrgTree([], tree.entries);
  const second = diffOrgTree(tree.entries, next);
  assert.equal(initial.added.length, 20_000);
  assert.equal(second.moved.length, 2_000);
  assert.equal(second.removed.length, 1_000);
  assert.equal(second.added.length, 0);
  assert.equal(second.unchanged, 17_000);

  const initialMs = best(() => diffOrgTree([], tree.entries));
  const secondMs = best(() => diffOrgTree(tree.entries, next));
  t.diagnostic(`initial diff ${initialMs.toFixed(1)} ms, second diff ${secondMs.toFixed(1)} ms`);
  assert.ok(initialMs < 100 && secondMs < 100, `initial ${initialMs.toFixed(1)} ms, second ${secondMs.toFixed(1)} ms`);
});

test("the sample tree really has 8 levels and no cycle", () => {
  const tree = generateOrgTree({ count: 20_000, depth: 8 });
  assert.equal(tree.levels.length, 8);
  assert.equal(tree.entries.length, 20_000);
  assert.equal(tree.entries.filter((e) => e.parentCode === "").length, tree.levels[0]?.length);
  validateOrgList(tree.entries);
});
