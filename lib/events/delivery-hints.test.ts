// The ids of written events the deliverer looks for: tried for a while, then
// forgotten; forgotten at once when claimed; at most a given number per claim.
import assert from "node:assert/strict";
import { test } from "node:test";
import { forgetHints, hasHints, hasUntriedHints, HINT_TTL_MS, noteWrittenEvents, takeHints } from "./delivery-hints";

test("an id is looked for until it is claimed or HINT_TTL_MS after the first look; oldest first, a bounded number at a time", () => {
  const t0 = 1_000_000;
  noteWrittenEvents(["msg_a", "msg_b", "msg_c"]);
  assert.equal(hasUntriedHints(), true);
  assert.deepEqual(takeHints(t0, 2), ["msg_a", "msg_b"]);
  assert.equal(hasUntriedHints(), true, "msg_c was not looked for yet");
  assert.deepEqual(takeHints(t0 + 10, 10), ["msg_a", "msg_b", "msg_c"]);
  assert.equal(hasUntriedHints(), false);
  forgetHints(["msg_b"]);
  assert.deepEqual(takeHints(t0 + HINT_TTL_MS, 10), ["msg_a", "msg_c"]);
  assert.deepEqual(takeHints(t0 + HINT_TTL_MS + 20, 10), [], "tried too long ago");
  assert.equal(hasHints(), false);
});
