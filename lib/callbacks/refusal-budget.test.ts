import assert from "node:assert/strict";
import { test } from "node:test";
import { RefusalBudget, type RefusedCallFacts } from "./refusal-budget";

const facts = (client: string, over: Partial<RefusedCallFacts> = {}): RefusedCallFacts => ({
  client,
  endpoint: "kit/tenantSync",
  generation: "V2",
  outcome: "BAD_SIGNATURE",
  resultCode: "000001",
  bodyBytes: 15 * 2 ** 20,
  ...over,
});

test("a client gets its burst of rows, then its refusals are only counted", () => {
  const b = new RefusalBudget({ perClientPerMinute: 5, totalPerMinute: 100 });
  const admitted = Array.from({ length: 50 }, () => b.admit("6.6.6.6", 1000)).filter(Boolean).length;
  assert.equal(admitted, 5);
  assert.ok(b.admit("203.0.113.1", 1000), "another client still has its own budget");
});

test("the bucket refills over the minute", () => {
  const b = new RefusalBudget({ perClientPerMinute: 6, totalPerMinute: 100 });
  for (let i = 0; i < 6; i++) assert.ok(b.admit("c", 0));
  assert.equal(b.admit("c", 0), false);
  assert.equal(b.admit("c", 5_000), false, "half a token after 5 s");
  assert.ok(b.admit("c", 10_000), "one token after 10 s");
  assert.equal(b.admit("c", 10_000), false);
});

test("a crowd of addresses shares one total", () => {
  const b = new RefusalBudget({ perClientPerMinute: 5, totalPerMinute: 20 });
  const admitted = Array.from({ length: 100 }, (_, i) => b.admit(`10.0.0.${i}`, 0)).filter(Boolean).length;
  assert.equal(admitted, 20);
});

test("counted refusals come out as one tally per client and endpoint, then start again", () => {
  const b = new RefusalBudget({ perClientPerMinute: 1, totalPerMinute: 100 });
  b.count(facts("6.6.6.6"), 1000);
  b.count(facts("6.6.6.6", { outcome: "BAD_TIMESTAMP", resultCode: "000002", bodyBytes: 0 }), 2000);
  b.count(facts("6.6.6.6", { endpoint: "saas" }), 3000);
  const tallies = b.takeTallies();
  assert.equal(tallies.length, 2);
  const kit = tallies.find((t) => t.endpoint === "kit/tenantSync");
  assert.deepEqual(
    kit && { count: kit.count, bytes: kit.bodyBytes, outcomes: kit.outcomes, codes: kit.resultCodes, firstAt: kit.firstAt, lastAt: kit.lastAt },
    {
      count: 2,
      bytes: 15 * 2 ** 20,
      outcomes: { BAD_SIGNATURE: 1, BAD_TIMESTAMP: 1 },
      codes: { "000001": 1, "000002": 1 },
      firstAt: 1000,
      lastAt: 2000,
    },
  );
  assert.deepEqual(b.takeTallies(), []);
});

test("memory stays bounded: forgotten clients and overflow tallies", () => {
  const b = new RefusalBudget({ perClientPerMinute: 1, totalPerMinute: 1_000_000, maxClients: 100, maxTallies: 10 });
  for (let i = 0; i < 1000; i++) b.admit(`10.0.${i >> 8}.${i & 255}`, 0);
  for (let i = 0; i < 1000; i++) b.count(facts(`10.0.${i >> 8}.${i & 255}`), 0);
  const tallies = b.takeTallies();
  assert.equal(tallies.length, 11);
  assert.equal(tallies.find((t) => t.client === "*")?.count, 990);
  assert.equal(
    tallies.reduce((n, t) => n + t.count, 0),
    1000,
    "every refusal is counted somewhere",
  );
});

test("a client out of rows, or out of expensive verifications, is restricted until its buckets refill", () => {
  const b = new RefusalBudget({ perClientPerMinute: 2, totalPerMinute: 100, expensivePerClientPerMinute: 2 });
  assert.equal(b.isRestricted("c", 0), false, "a client never seen is not");
  b.admit("c", 0);
  b.admit("c", 0);
  assert.equal(b.isRestricted("c", 0), true, "no rows left");
  assert.equal(b.isRestricted("c", 30_000), false, "a row back after 30 s");
  b.spendExpensive("d", 0);
  assert.equal(b.isRestricted("d", 0), false);
  b.spendExpensive("d", 0);
  assert.equal(b.isRestricted("d", 0), true, "no expensive verification left");
  assert.equal(b.isRestricted("d", 30_000), false);
  assert.equal(b.isRestricted("e", 0), false, "others are not affected");
});
