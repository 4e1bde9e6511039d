import assert from "node:assert/strict";
import { test } from "node:test";
import { nextRetryDelayMs } from "./queue";

test("retry delay doubles from the base and stops at the cap", () => {
  assert.equal(nextRetryDelayMs(1, 1000), 1000);
  assert.equal(nextRetryDelayMs(2, 1000), 2000);
  assert.equal(nextRetryDelayMs(5, 1000), 16000);
  assert.equal(nextRetryDelayMs(30, 1000), 3600000);
});
