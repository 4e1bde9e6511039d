// The outbox on a real database: an event is written with one delivery per
// enabled endpoint whose filter takes its type, in the caller's transaction
// (a rolled-back change leaves no event), and from a one-statement CTE only
// when the verb's own write happened.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-outbox", { KOOGALLERY_ACCESS_KEY: "outbox-test-basic-key-0123456789" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { writeEvents, eventCtes } = await import("@/lib/events/outbox");
const { runSql, sql, withSql } = await import("@/lib/sql/insert-sql");
const { ensureRecurringJobs, claimJobs, rescheduleRecurringJob, recurringPeriodOf } = await import("@/lib/jobs/queue");

const at = new Date("2026-12-07T01:02:03.000Z");
const event = (id: string, type: "instance.frozen" | "tenant.synced" = "instance.frozen", isTest = false) => ({
  type,
  subject: { kind: type === "tenant.synced" ? ("tenant" as const) : ("instance" as const), id },
  isTest,
  data: { instanceId: id, state: "FROZEN" },
  occurredAt: at,
});

describe("outbox", () => {
  test("fans out to enabled endpoints whose filter takes the type", async () => {
    const db = await getDb();
    await db.webhookEndpoint.createMany({
      data: [
        { id: "ep-all", name: "all", url: "http://127.0.0.1:9/all", eventTypes: [] },
        { id: "ep-inst", name: "instances", url: "http://127.0.0.1:9/i", eventTypes: ["instance.frozen", "instance.unfrozen"] },
        { id: "ep-kit", name: "kit", url: "http://127.0.0.1:9/k", eventTypes: ["tenant.synced"] },
        { id: "ep-off", name: "off", url: "http://127.0.0.1:9/o", eventTypes: [], isEnabled: false },
      ],
    });
    await writeEvents(db, [event("inst-1"), event("tenant-1", "tenant.synced", true)], at);
    const events = await db.merchantEvent.findMany({ orderBy: { seq: "asc" }, include: { deliveries: true } });
    assert.equal(events.length, 2);
    const [frozen, synced] = events;
    assert.match(frozen!.id, /^msg_[A-Za-z0-9]{22}$/);
    assert.equal(frozen!.orderingKey, "instance:inst-1");
    assert.equal(synced!.orderingKey, "tenant:tenant-1");
    assert.equal(synced!.isTest, true);
    assert.ok(synced!.seq > frozen!.seq);
    assert.deepEqual(frozen!.deliveries.map((d) => d.endpointId).sort(), ["ep-all", "ep-inst"]);
    assert.deepEqual(synced!.deliveries.map((d) => d.endpointId).sort(), ["ep-all", "ep-kit"]);
    assert.ok(frozen!.deliveries.every((d) => d.seq === frozen!.seq && d.status === "PENDING" && d.nextAttemptAt.getTime() === at.getTime()));
    await db.webhookEndpoint.deleteMany({});
    await db.merchantEvent.deleteMany({});
  });

  test("a rolled-back transaction leaves no event", async () => {
    const db = await getDb();
    await assert.rejects(
      db.$transaction(async (tx) => {
        await writeEvents(tx, [event("inst-rollback")]);
        throw new Error("the change failed");
      }),
      /the change failed/,
    );
    assert.equal(await db.merchantEvent.count({ where: { subjectId: "inst-rollback" } }), 0);
  });

  test("in one statement, events follow the verb's write (none when it wrote nothing)", async () => {
    const db = await getDb();
    const run = (write: boolean, id: string) =>
      runSql(db, withSql([["w", sql`SELECT 1 AS x WHERE ${write}::boolean`], ...eventCtes([event(id)], at, { from: "w" })], sql`SELECT 1 AS ok`));
    await run(false, "inst-skipped");
    await run(true, "inst-written");
    assert.equal(await db.merchantEvent.count({ where: { subjectId: "inst-skipped" } }), 0);
    assert.equal(await db.merchantEvent.count({ where: { subjectId: "inst-written" } }), 1);
  });
});

describe("recurring jobs", () => {
  test("one row per kind across repeated starts, rescheduled a period later after each run", async () => {
    const db = await getDb();
    await ensureRecurringJobs(db, [{ kind: "evaluate-alerts", everyMs: 60_000 }]);
    await ensureRecurringJobs(db, [{ kind: "evaluate-alerts", everyMs: 30_000 }]);
    const rows = await db.job.findMany({ where: { kind: "evaluate-alerts" } });
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.dedupeKey, "recurring:evaluate-alerts");
    const [claimed] = await claimJobs(db, "worker-a", 8, 60_000);
    assert.ok(claimed);
    assert.equal(recurringPeriodOf(claimed), 30_000);
    assert.equal((await claimJobs(db, "worker-b", 8, 60_000)).length, 0, "a second instance does not run it at the same time");
    await rescheduleRecurringJob(db, claimed, "worker-a", 30_000);
    const after = await db.job.findUniqueOrThrow({ where: { id: claimed.id } });
    assert.equal(after.status, "PENDING");
    assert.equal(after.attempts, 0);
    const delay = after.runAt.getTime() - Date.now();
    assert.ok(delay > 25_000 && delay <= 30_000, `next run in ${delay} ms`);
    assert.equal((await claimJobs(db, "worker-b", 8, 60_000)).length, 0, "not due before its period");
  });
});
