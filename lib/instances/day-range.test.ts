// Whole days in the viewer's zone as instants for the instance list's date filter.
import assert from "node:assert/strict";
import { test } from "node:test";
import { dayRangeIn, endOfDayIn, startOfDayIn } from "@/lib/instances/day-range";

test("a day starts at its zone's midnight", () => {
  assert.equal(startOfDayIn("2026-11-25", "Asia/Shanghai")?.toISOString(), "2026-11-24T16:00:00.000Z");
  assert.equal(startOfDayIn("2026-11-25", "UTC")?.toISOString(), "2026-11-25T00:00:00.000Z");
  assert.equal(startOfDayIn("2026-11-25", "America/New_York")?.toISOString(), "2026-11-25T05:00:00.000Z");
  assert.equal(startOfDayIn("2026-07-01", "America/New_York")?.toISOString(), "2026-07-01T04:00:00.000Z", "summer time");
  assert.equal(startOfDayIn("2026-01-01", "Pacific/Kiritimati")?.toISOString(), "2025-12-31T10:00:00.000Z", "UTC+14");
  assert.equal(startOfDayIn("2026-01-01", "Asia/Kolkata")?.toISOString(), "2025-12-31T18:30:00.000Z", "a half-hour zone");
});

test("a day ends at its last millisecond, also on daylight-saving days", () => {
  assert.equal(endOfDayIn("2026-11-25", "Asia/Shanghai")?.toISOString(), "2026-11-25T15:59:59.999Z");
  assert.equal(endOfDayIn("2026-12-31", "UTC")?.toISOString(), "2026-12-31T23:59:59.999Z");
  // 8 March 2026 in New York has 23 hours, 1 November 25.
  assert.equal(endOfDayIn("2026-03-08", "America/New_York")?.toISOString(), "2026-03-09T03:59:59.999Z");
  assert.equal(startOfDayIn("2026-03-08", "America/New_York")?.toISOString(), "2026-03-08T05:00:00.000Z");
  assert.equal(endOfDayIn("2026-11-01", "America/New_York")?.toISOString(), "2026-11-02T04:59:59.999Z");
  assert.equal(startOfDayIn("2026-11-01", "America/New_York")?.toISOString(), "2026-11-01T04:00:00.000Z");
});

test("where a zone skips midnight, the day starts when its clocks do", () => {
  // São Paulo moved its clocks from 00:00 to 01:00 on 4 November 2018 (UTC-3 to UTC-2).
  assert.equal(startOfDayIn("2018-11-04", "America/Sao_Paulo")?.toISOString(), "2018-11-04T03:00:00.000Z");
  assert.equal(endOfDayIn("2018-11-03", "America/Sao_Paulo")?.toISOString(), "2018-11-04T02:59:59.999Z");
});

test("the filter's range: dates become instants, anything else is left for the API to refuse", () => {
  assert.deepEqual(dayRangeIn("2026-11-25", "2026-11-25", "Asia/Shanghai"), { from: "2026-11-24T16:00:00.000Z", to: "2026-11-25T15:59:59.999Z" });
  assert.deepEqual(dayRangeIn("", undefined, "Asia/Shanghai"), { from: undefined, to: undefined });
  assert.deepEqual(dayRangeIn("2026-02-30", "yesterday", "UTC"), { from: "2026-02-30", to: "yesterday" });
  assert.equal(startOfDayIn("2026-13-01", "UTC"), undefined);
});
