// The ids of written events the deliverer looks for: until claimed or
// HINT_TTL_MS after they were noted, oldest first, a bounded number at a time.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetHints, hasHints, hasUntriedHints, HINT_TTL_MS, noteWrittenEvents, takeHints } from "./delivery-hints";

test("an id is looked for until it is claimed or HINT_TTL_MS after it was noted; oldest first, a bounded number at a time", () => {
  const t0 = 1_000_000;
  noteWrittenEvents(["msg_a", "msg_b"], t0);
  noteWrittenEvents(["msg_c"], t0 + 500);
  assert.equal(hasUntriedHints(), true);
  assert.deepEqual(takeHints(t0 + 10, 2), ["msg_a", "msg_b"]);
  assert.equal(hasUntriedHints(), false);
  assert.deepEqual(takeHints(t0 + 20, 10), ["msg_a", "msg_b", "msg_c"], "not found yet: looked for again");
  forgetHints(["msg_b"]);
  assert.deepEqual(takeHints(t0 + HINT_TTL_MS + 1, 10), ["msg_c"], "msg_a was noted too long ago");
  assert.deepEqual(takeHints(t0 + 500 + HINT_TTL_MS + 1, 10), []);
  assert.equal(hasHints(), false);
});
