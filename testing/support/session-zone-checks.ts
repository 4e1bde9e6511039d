// The time-zone checks shared by lib/db-zone-*.test.ts: the same tests on a
// database whose default zone is not UTC. Our timestamp columns hold UTC wall
// time without a zone, so anything that reads the clock through the session's
// zone (a bare now(), a column default) was hours off: HTTP provisioning jobs
// against a failing backend were claimed again at once (20 attempts in 20 s on
// Asia/Shanghai), and a nonce stamped by its column default on America/New_York
// would be pruned hours early, reopening the replay window. Rows written by
// the app carry explicit UTC values; the rows "left to the column default" are
// what any writer that omits the column (a raw INSERT, a future cache) gets.
// Import this after prepareInProcessDatabase (lib/env reads the environment once).
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { closeDb, getDb, getRawSql } from "@/lib/db";
import { housekeeping } from "@/lib/jobs/handlers";
import { claimJobs, enqueueJobs, failJob } from "@/lib/jobs/queue";
import { applyMigrations } from "@/lib/migrations";
import { getDashboard } from "@/lib/portal/dashboard";
import { claimNonceCte, NONCE_FRESH } from "@/lib/sql/claim-nonce";
import { rawSql, runSql, withSql } from "@/lib/sql/insert-sql";
import type { InProcessDatabase } from "@/testing/support/in-process-database";

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
/** How far apart the test's clock and the database's may be (same machine; statements take milliseconds). */
const CLOCK_SLACK_MS = 5000;

function assertNear(actual: Date | null | undefined, expectedMs: number, what: string): void {
  assert.ok(actual, `${what} is set`);
  const offMs = actual.getTime() - expectedMs;
  assert.ok(Math.abs(offMs) < CLOCK_SLACK_MS, `${what} is ${Math.round(offMs / MIN)} min off (${actual.toISOString()})`);
}

export function describeSessionZoneChecks(database: InProcessDatabase, zone: string): void {
  let defaultZone = "";

  before(async () => {
    // Before the app opens the database: PGlite lets one handle have the folder.
    defaultZone = await database.showDefaultTimeZone();
    await applyMigrations(await getRawSql());
  });
  after(async () => {
    await closeDb();
    await database.drop();
  });

  describe(`database default zone ${zone}`, () => {
    test("a bare session starts in the database's zone; every session of the app runs in UTC", async () => {
      assert.equal(defaultZone, zone, "the test database really starts sessions in the zone under test");
      const raw = await getRawSql();
      const db = await getDb();
      const show = "SHOW timezone";
      assert.equal((await raw.query<{ TimeZone: string }>(show))[0]?.TimeZone, "UTC", "raw SQL");
      assert.equal((await raw.withConnection((conn) => conn.query<{ TimeZone: string }>(show)))[0]?.TimeZone, "UTC", "withConnection");
      assert.equal((await db.$queryRawUnsafe<{ TimeZone: string }[]>(show))[0]?.TimeZone, "UTC", "Prisma");
      await db.$transaction(async (tx) => assert.equal((await tx.$queryRawUnsafe<{ TimeZone: string }[]>(show))[0]?.TimeZone, "UTC", "Prisma transaction"));
    });

    test("a row left to its column default is stamped in UTC", async () => {
      const raw = await getRawSql();
      const db = await getDb();
      const viaRaw = `zone-default:${randomUUID()}`;
      const viaPrisma = `zone-default:${randomUUID()}`;
      await raw.query(`INSERT INTO "Nonce" (nonce) VALUES ($1)`, [viaRaw]);
      await db.$executeRawUnsafe(`INSERT INTO "Nonce" (nonce) VALUES ($1)`, viaPrisma);
      for (const nonce of [viaRaw, viaPrisma]) {
        const row = await db.nonce.findUnique({ where: { nonce } });
        assertNear(row?.createdAt, Date.now(), `createdAt of ${nonce}`);
      }
    });
  });

  describe(`job queue with the database in ${zone}`, () => {
    test("a failed job waits out its backoff; it is claimed again only when due", async () => {
      const db = await getDb();
      const dedupeKey = `zone-job:${randomUUID()}`;
      await enqueueJobs(db, [{ kind: "provision-instance", payload: { instanceId: dedupeKey }, dedupeKey }]);
      const own = <T extends { id: string }>(jobs: T[], id: string) => jobs.filter((j) => j.id === id);
      const { id } = await db.job.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } });

      const [first] = own(await claimJobs(db, "worker-a", 10, 10 * MIN), id);
      assert.ok(first, "a job due now is claimed");
      const claimed = await db.job.findUniqueOrThrow({ where: { id } });
      assertNear(claimed.lockedUntil, Date.now() + 10 * MIN, "the lease end");
      assertNear(claimed.updatedAt, Date.now(), "updatedAt");
      assert.deepEqual(own(await claimJobs(db, "worker-b", 10, 10 * MIN), id), [], "the lease keeps other workers off");

      assert.equal(await failJob(db, first, "worker-a", "HTTP 503", { baseMs: 2 * MIN }), "retry");
      const failed = await db.job.findUniqueOrThrow({ where: { id } });
      assertNear(failed.runAt, Date.now() + 2 * MIN, "the retry time");
      for (const worker of ["worker-a", "worker-b", "worker-a"]) {
        assert.deepEqual(own(await claimJobs(db, worker, 10, 10 * MIN), id), [], "not claimed again before its backoff ends");
      }

      // The backoff over: due again, claimed once, the second attempt.
      await db.job.update({ where: { id }, data: { runAt: new Date(Date.now() - 1000) } });
      const [second] = own(await claimJobs(db, "worker-b", 10, 10 * MIN), id);
      assert.equal(second?.attempts, 2, "claimed again once due");
      assert.deepEqual(own(await claimJobs(db, "worker-a", 10, 10 * MIN), id), []);
    });

    test("a lease that has ended lets another worker take the job over", async () => {
      const db = await getDb();
      const dedupeKey = `zone-lease:${randomUUID()}`;
      await enqueueJobs(db, [{ kind: "fetch-order", payload: { orderKey: dedupeKey }, dedupeKey }]);
      const { id } = await db.job.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } });
      assert.equal((await claimJobs(db, "worker-a", 10, 10 * MIN)).filter((j) => j.id === id).length, 1);
      // worker-a crashed: its lease ended a second ago.
      await db.job.update({ where: { id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
      const [taken] = (await claimJobs(db, "worker-b", 10, 10 * MIN)).filter((j) => j.id === id);
      assert.equal(taken?.attempts, 2, "taken over after the lease");
    });

    test("a job due in two minutes is not claimed yet", async () => {
      const db = await getDb();
      const dedupeKey = `zone-later:${randomUUID()}`;
      await enqueueJobs(db, [{ kind: "fetch-order", payload: { orderKey: dedupeKey }, dedupeKey, runAt: new Date(Date.now() + 2 * MIN) }]);
      const { id } = await db.job.findUniqueOrThrow({ where: { dedupeKey }, select: { id: true } });
      assert.deepEqual(
        (await claimJobs(db, "worker-a", 10, MIN)).filter((j) => j.id === id),
        [],
      );
    });
  });

  describe(`nonce window with the database in ${zone}`, () => {
    const claim = async (nonce: string): Promise<number> => {
      const raw = await getRawSql();
      const statement = withSql([claimNonceCte(nonce, new Date())], rawSql(`SELECT ${NONCE_FRESH} AS fresh`));
      const [row] = await runSql<{ fresh: number }>({ raw, tx: undefined as never }, statement);
      return Number(row?.fresh);
    };

    test("a fresh nonce survives housekeeping and its replay is refused; an old one is pruned", async () => {
      const db = await getDb();
      const raw = await getRawSql();
      const fresh = `zone-nonce:${randomUUID()}`;
      const byDefault = `zone-nonce:${randomUUID()}`;
      const old = `zone-nonce:${randomUUID()}`;
      assert.equal(await claim(fresh), 1, "first use");
      assert.equal(await claim(fresh), 0, "a replay is refused");
      // A nonce whose createdAt comes from the column default (a writer that leaves the column out).
      assert.equal((await raw.query(`INSERT INTO "Nonce" (nonce) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1`, [byDefault])).length, 1);
      await db.nonce.create({ data: { nonce: old, createdAt: new Date(Date.now() - 30 * MIN) } });

      await housekeeping(db);

      const kept = new Set((await db.nonce.findMany({ where: { nonce: { in: [fresh, byDefault, old] } } })).map((n) => n.nonce));
      assert.deepEqual([kept.has(fresh), kept.has(byDefault), kept.has(old)], [true, true, false], "fresh kept, default-stamped kept, old pruned");
      assert.equal(await claim(fresh), 0, "a replay after housekeeping is still refused");
      assert.equal(await claim(byDefault), 0, "so is one of the default-stamped nonce");
      assertNear((await db.nonce.findUnique({ where: { nonce: byDefault } }))?.createdAt, Date.now(), "the default-stamped nonce's createdAt");
    });
  });

  describe(`dashboard with the database in ${zone}`, () => {
    test("callbacks per hour and failing orders count rows recorded now, including default-stamped ones", async () => {
      const db = await getDb();
      const raw = await getRawSql();
      const orderId = `CS-ZONE-${randomUUID().slice(0, 8)}`;
      const at = Date.now();
      // As the app writes them: receivedAt from the app's clock, in UTC.
      await db.callbackLog.create({
        data: {
          receivedAt: new Date(at),
          endpoint: "saas",
          generation: "V2",
          method: "POST",
          activity: "newInstance",
          verification: "OK",
          resultCode: "000000",
          latencyMs: 3,
          requestMasked: {},
        },
      });
      // Left to the column default: a failed newInstance, and a refused call.
      const insertByDefault = `INSERT INTO "CallbackLog"
                                      (id, endpoint, generation, method, activity, verification, "resultCode", "latencyMs", "orderId", "requestMasked")
                               VALUES ($1, 'saas', 'V2', 'POST', 'newInstance', $2, $3, 3, $4, '{}'::jsonb)`;
      await raw.query(insertByDefault, [randomUUID(), "OK", "000005", orderId]);
      await raw.query(insertByDefault, [randomUUID(), "BAD_SIGNATURE", "000001", null]);

      const dashboard = await getDashboard(db, { kind: "all" });
      const hourStart = new Date(Math.floor(at / HOUR) * HOUR).toISOString();
      const hours = dashboard.callbacksByHour;
      const total = hours.reduce((n, h) => n + h.accepted + h.refused + h.failed, 0);
      assert.equal(total, 3, `every call recorded now is in the last 24 hours (${JSON.stringify(hours.filter((h) => h.accepted + h.refused + h.failed > 0))})`);
      // The hour may have turned between the inserts and the read: the current hour or the one before.
      const recent = hours.filter((h) => h.hourStart >= hourStart);
      assert.deepEqual(
        recent.reduce((s, h) => ({ accepted: s.accepted + h.accepted, refused: s.refused + h.refused, failed: s.failed + h.failed }), {
          accepted: 0,
          refused: 0,
          failed: 0,
        }),
        { accepted: 1, refused: 1, failed: 1 },
        "in the hour they were received",
      );

      const failing = dashboard.failingOrders.find((o) => o.orderId === orderId);
      assert.ok(failing, "the failed purchase is listed while KooGallery still retries it");
      assertNear(new Date(failing.firstAttemptAt), at, "its first attempt");
      assert.ok(failing.timeLeftMs <= 3 * HOUR && failing.timeLeftMs > 3 * HOUR - MIN, `almost all of the 3 h window is left (${failing.timeLeftMs} ms)`);
    });
  });
}
