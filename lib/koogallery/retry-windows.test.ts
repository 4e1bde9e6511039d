import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { isRetriedFailure, MAX_ORDER_RETRY_WINDOW_MS, ORDER_ACTIVITIES, RETRY_WINDOWS, retryTimeLeftMs, retryWindowOf } from "./retry-windows";

const HOUR = 60 * 60 * 1000;

describe("retry windows (protocol:retry-windows.md)", () => {
  it("has the documented window per activity", () => {
    assert.equal(RETRY_WINDOWS.newInstance?.windowMs, 3 * HOUR);
    assert.equal(RETRY_WINDOWS.upgradeInstance?.windowMs, 3 * HOUR);
    assert.equal(RETRY_WINDOWS.upgrade?.windowMs, 3 * HOUR);
    assert.equal(RETRY_WINDOWS.refreshInstance?.windowMs, 2 * HOUR);
    assert.equal(RETRY_WINDOWS.expireInstance?.windowMs, 1 * HOUR);
    assert.equal(RETRY_WINDOWS.releaseInstance?.windowMs, 1 * HOUR);
    assert.equal(RETRY_WINDOWS.newInstance?.afterWindow, "order-refunded");
    assert.equal(RETRY_WINDOWS.refreshInstance?.afterWindow, "not-resent");
  });

  it("cites protocol:retry-windows.md for every window", () => {
    for (const w of Object.values(RETRY_WINDOWS)) assert.match(w.source, /^protocol:retry-windows\.md /);
  });

  it("knows no window for calls KooGallery does not retry", () => {
    assert.equal(retryWindowOf("queryInstance"), undefined);
    assert.equal(retryWindowOf("tenantSync"), undefined);
    assert.equal(retryWindowOf(null), undefined);
    assert.equal(retryWindowOf("toString"), undefined);
  });

  it("takes the longest order window as the look-back", () => {
    assert.equal(MAX_ORDER_RETRY_WINDOW_MS, 3 * HOUR);
    for (const a of ORDER_ACTIVITIES) assert.ok(retryWindowOf(a));
  });

  it("counts the time left from the first attempt", () => {
    const first = new Date("2026-01-01T10:00:00Z");
    assert.equal(retryTimeLeftMs("newInstance", first, new Date("2026-01-01T10:00:00Z")), 3 * HOUR);
    assert.equal(retryTimeLeftMs("newInstance", first, new Date("2026-01-01T12:30:00Z")), 30 * 60 * 1000);
    assert.equal(retryTimeLeftMs("refreshInstance", first, new Date("2026-01-01T11:45:00Z")), 15 * 60 * 1000);
  });

  it("has nothing left once the window is over, or for an activity without one", () => {
    const first = new Date("2026-01-01T10:00:00Z");
    assert.equal(retryTimeLeftMs("newInstance", first, new Date("2026-01-01T13:00:00Z")), undefined);
    assert.equal(retryTimeLeftMs("refreshInstance", first, new Date("2026-01-01T12:00:01Z")), undefined);
    assert.equal(retryTimeLeftMs("queryInstance", first, first), undefined);
  });

  it("treats success, and newInstance's 000004, as no failure", () => {
    assert.equal(isRetriedFailure("newInstance", "000000"), false);
    assert.equal(isRetriedFailure("newInstance", "000004"), false);
    assert.equal(isRetriedFailure("upgradeInstance", "000004"), true);
    assert.equal(isRetriedFailure("newInstance", "000005"), true);
    assert.equal(isRetriedFailure("refreshInstance", "000003"), true);
  });
});
