// Retention in housekeeping, on a real database (PGlite; PostgreSQL with
// TEST_DB=postgres): what is pruned and what is kept, the nonce rule that
// leaves room for V1 replays, and a backlog larger than a batch pruned over
// several runs, each within its time budget. The statements run against a
// clock that advances a fixed amount per statement, so the budget is checked
// without depending on this machine's speed.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { beforeEach, describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-prune", { KOOGALLERY_ACCESS_KEY: "prune-test-basic-key-0123456789" }, { migrate: true });

const { getDb, getRawSql } = await import("@/lib/db");
const { housekeeping } = await import("@/lib/jobs/handlers");
const { nonceRetentionMs, pruneOldRows, retentionPolicyOf } = await import("@/lib/jobs/prune-old-rows");
const { getEnv } = await import("@/lib/env");
type Db = import("@/lib/db").Db;

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const TABLES = ["CallbackLog", "Job", "AuditEntry", "SignInAttempt", "Nonce", "MerchantEvent", "WebhookEndpoint", "Alert"];

// Each test starts from empty tables: counts are then exact.
beforeEach(async () => {
  const raw = await getRawSql();
  for (const table of TABLES) await raw.query(`DELETE FROM "${table}"`);
});

const ago = (ms: number) => new Date(Date.now() - ms);

async function addLog(at: Date, verification = "OK"): Promise<string> {
  const db = await getDb();
  const row = await db.callbackLog.create({
    data: {
      receivedAt: at,
      endpoint: "saas",
      generation: "V2",
      method: "POST",
      activity: "newInstance",
      verification,
      resultCode: verification === "OK" ? "000000" : "000001",
      latencyMs: 1,
      requestMasked: {},
    },
    select: { id: true },
  });
  return row.id;
}

async function addJob(status: "PENDING" | "RUNNING" | "DONE" | "DEAD", finishedAt: Date | null, runAt = finishedAt ?? new Date()): Promise<string> {
  const db = await getDb();
  const row = await db.job.create({ data: { kind: "fetch-order", payload: {}, status, runAt, finishedAt, createdAt: runAt }, select: { id: true } });
  return row.id;
}

/** The ids of `table` still stored, of those given. */
async function remaining(table: string, ids: string[], key = "id"): Promise<Set<string>> {
  const raw = await getRawSql();
  const rows = await raw.query<{ k: string }>(`SELECT ${key} AS k FROM "${table}" WHERE ${key} = ANY($1::text[])`, [ids]);
  return new Set(rows.map((r) => r.k));
}

/** The app's Db whose raw statements each advance a fake clock by `stepMs`, and count. */
function timedDb(db: Db, stepMs: number): { db: Db; clock: () => number; statements: () => number } {
  let now = 0;
  let count = 0;
  const timed = new Proxy(db, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if ((prop === "$executeRawUnsafe" || prop === "$queryRawUnsafe") && typeof value === "function") {
        return async (...args: unknown[]) => {
          count++;
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          now += stepMs;
          return result;
        };
      }
      return value;
    },
  });
  return { db: timed, clock: () => now, statements: () => count };
}

describe("what housekeeping prunes", () => {
  test("old rows of each kind go; recent ones, refused-but-recent ones and unfinished jobs stay", async () => {
    const db = await getDb();
    const logs = {
      old: await addLog(ago(181 * DAY)),
      oldRefused: await addLog(ago(181 * DAY), "BAD_SIGNATURE"),
      kept: await addLog(ago(179 * DAY)),
      keptRetry: await addLog(ago(100 * DAY), "RETRY"),
      refused: await addLog(ago(15 * DAY), "BAD_SIGNATURE"),
      // A verification value this code does not name (a summary of refused calls): refused too.
      counted: await addLog(ago(15 * DAY), "COUNTED"),
      refusedRecent: await addLog(ago(13 * DAY), "REPLAYED_NONCE"),
      malformedRecent: await addLog(ago(HOUR), "MALFORMED"),
    };
    const jobs = {
      done: await addJob("DONE", ago(31 * DAY)),
      doneRecent: await addJob("DONE", ago(29 * DAY)),
      // DEAD jobs wait for a person: kept past the DONE retention, up to the callback log's.
      dead: await addJob("DEAD", ago(31 * DAY)),
      deadOld: await addJob("DEAD", ago(181 * DAY)),
      pendingOld: await addJob("PENDING", null, ago(200 * DAY)),
      runningOld: await addJob("RUNNING", null, ago(200 * DAY)),
    };
    const events = [
      (await db.auditEntry.create({ data: { action: "sign-in", createdAt: ago(366 * DAY) } })).id,
      (await db.auditEntry.create({ data: { action: "sign-in", createdAt: ago(364 * DAY) } })).id,
    ];
    const attempts = [
      (await db.signInAttempt.create({ data: { key: "ip:192.0.2.1", createdAt: ago(25 * HOUR) } })).id,
      (await db.signInAttempt.create({ data: { key: "ip:192.0.2.1", createdAt: ago(23 * HOUR) } })).id,
    ];
    // V1 freshness 300 s by default: nonces are kept 2 × 300 s + 1 min = 11 min, not 10.
    const nonces = { old: `n:${randomUUID()}`, v2: `n:${randomUUID()}`, v1: `v1:${randomUUID()}` };
    await db.nonce.createMany({
      data: [
        { nonce: nonces.old, createdAt: ago(12 * MIN) },
        { nonce: nonces.v2, createdAt: ago(10.5 * MIN) },
        { nonce: nonces.v1, createdAt: ago(10.5 * MIN) },
      ],
    });

    // Events: an old one whose deliveries are over goes (its deliveries with it); one still being delivered stays.
    await db.webhookEndpoint.create({ data: { id: "ep-prune", name: "prune", url: "http://127.0.0.1:9/", eventTypes: [] } });
    const merchantEvents = { old: "msg_pruneold", oldPending: "msg_prunepending", recent: "msg_prunerecent" };
    for (const [key, id] of Object.entries(merchantEvents)) {
      const occurredAt = key === "recent" ? ago(DAY) : ago(181 * DAY);
      await db.merchantEvent.create({
        data: {
          id,
          type: "instance.frozen",
          orderingKey: "instance:i-prune",
          subjectId: "i-prune",
          data: {},
          occurredAt,
          deliveries: {
            create: {
              endpointId: "ep-prune",
              orderingKey: "instance:i-prune",
              seq: 0,
              status: key === "oldPending" ? "PENDING" : "DELIVERED",
              nextAttemptAt: occurredAt,
            },
          },
        },
      });
    }
    // Alerts: an old resolved one goes; an old open one waits for its condition to clear.
    const alertRow = (subjectKey: string, resolvedAt: Date | null) => ({
      rule: "job-dead",
      subjectKey,
      windowKey: "-",
      title: "t",
      body: "b",
      link: "/portal",
      firedAt: ago(181 * DAY),
      resolvedAt,
    });
    const oldResolved = (await db.alert.create({ data: alertRow("job:a", ago(181 * DAY)) })).id;
    const oldOpen = (await db.alert.create({ data: alertRow("job:b", null) })).id;

    const result = await housekeeping(db);

    assert.deepEqual(result.pruned, {
      CallbackLog: 2,
      "CallbackLog refused": 2,
      "Job DONE": 1,
      "Job DEAD": 1,
      AuditEntry: 1,
      SignInAttempt: 1,
      Nonce: 1,
      MerchantEvent: 1,
      Alert: 1,
    });
    assert.equal(result.total, 11);
    assert.deepEqual(await remaining("MerchantEvent", Object.values(merchantEvents)), new Set([merchantEvents.oldPending, merchantEvents.recent]));
    assert.equal(await db.webhookDelivery.count({ where: { eventId: merchantEvents.old } }), 0);
    assert.deepEqual(await remaining("Alert", [oldResolved, oldOpen]), new Set([oldOpen]));
    assert.equal(result.isComplete, true);
    assert.deepEqual(await remaining("CallbackLog", Object.values(logs)), new Set([logs.kept, logs.keptRetry, logs.refusedRecent, logs.malformedRecent]));
    assert.deepEqual(await remaining("Job", Object.values(jobs)), new Set([jobs.doneRecent, jobs.dead, jobs.pendingOld, jobs.runningOld]));
    assert.deepEqual(await remaining("AuditEntry", events), new Set([events[1]]));
    assert.deepEqual(await remaining("SignInAttempt", attempts), new Set([attempts[1]]));
    assert.deepEqual(await remaining("Nonce", Object.values(nonces), "nonce"), new Set([nonces.v2, nonces.v1]));
  });

  test("nonces are kept at least ten minutes, longer when the V1 window needs it", () => {
    assert.equal(nonceRetentionMs(60_000), 10 * MIN);
    assert.equal(nonceRetentionMs(300_000), 11 * MIN);
    assert.equal(nonceRetentionMs(900_000), 31 * MIN);
    const policy = retentionPolicyOf(getEnv());
    assert.equal(policy.nonceMs, 11 * MIN);
    assert.deepEqual(
      [policy.callbackLogMs, policy.refusedCallbackLogMs, policy.doneJobMs, policy.deadJobMs, policy.auditMs],
      [180 * DAY, 14 * DAY, 30 * DAY, 180 * DAY, 365 * DAY],
    );
  });

  test("says how many rows went in one log line, and nothing when nothing went", async () => {
    const db = await getDb();
    await addLog(ago(200 * DAY));
    await addLog(ago(20 * DAY), "BAD_TIMESTAMP");
    const lines: string[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => void lines.push(args.join(" "));
    try {
      await housekeeping(db);
      await housekeeping(db);
    } finally {
      console.log = log;
    }
    assert.deepEqual(lines, ["[jobs] housekeeping pruned 2 rows (CallbackLog 1, CallbackLog refused 1)"]);
  });
});

describe("batches and the time budget", () => {
  test("a backlog larger than a batch goes over several runs, none past its budget", async () => {
    const raw = await getRawSql();
    const policy = retentionPolicyOf(getEnv());
    // 1,050 old calls and 230 old nonces, a few recent ones of each.
    await raw.query(
      `INSERT INTO "CallbackLog" (id, "receivedAt", endpoint, generation, method, verification, "resultCode", "latencyMs", "requestMasked")
       SELECT gen_random_uuid()::text, $1::timestamp(3) - make_interval(secs => g), 'saas', 'V2', 'POST', 'OK', '000000', 1, '{}'::jsonb
         FROM generate_series(1, 1050) g`,
      [ago(200 * DAY).toISOString()],
    );
    await raw.query(`INSERT INTO "Nonce" (nonce, "createdAt") SELECT 'old:' || g, $1::timestamp(3) FROM generate_series(1, 230) g`, [ago(HOUR).toISOString()]);
    const recent = [await addLog(ago(DAY)), await addLog(ago(MIN))];
    await raw.query(`INSERT INTO "Nonce" (nonce, "createdAt") VALUES ('recent', $1::timestamp(3))`, [ago(MIN).toISOString()]);

    // Every statement "takes" 10 ms; a run may spend 150 ms.
    const BATCH = 100;
    const STEP_MS = 10;
    const BUDGET_MS = 150;
    const timed = timedDb(await getDb(), STEP_MS);
    const runs: { total: number; spentMs: number; isComplete: boolean }[] = [];
    for (let i = 0; i < 30 && !runs.at(-1)?.isComplete; i++) {
      const start = timed.clock();
      const r = await pruneOldRows(timed.db, policy, { batchSize: BATCH, budgetMs: BUDGET_MS, clock: timed.clock });
      runs.push({ total: r.total, spentMs: timed.clock() - start, isComplete: r.isComplete });
    }
    assert.ok(runs.length >= 2, `more than one run (${runs.length})`);
    assert.equal(
      runs.reduce((n, r) => n + r.total, 0),
      1050 + 230,
      "every old row pruned",
    );
    for (const r of runs) {
      // A batch starts only within the budget, so a run ends at most one statement past it.
      assert.ok(r.spentMs <= BUDGET_MS + STEP_MS, `a run spent ${r.spentMs} ms of a ${BUDGET_MS} ms budget`);
      assert.ok(r.isComplete || r.total > 0, "a run that stops early has pruned something");
    }
    assert.deepEqual(
      runs.map((r) => r.isComplete),
      [...runs.slice(0, -1).map(() => false), true],
    );
    const [left] = await raw.query<{ logs: number; nonces: number }>(
      `SELECT (SELECT count(*)::int FROM "CallbackLog") AS logs, (SELECT count(*)::int FROM "Nonce") AS nonces`,
    );
    assert.deepEqual(left, { logs: recent.length, nonces: 1 });

    // Up to date: one probe per kind of row (and the read of the verification values), nothing pruned.
    const before = timed.statements();
    const idle = await pruneOldRows(timed.db, policy, { batchSize: BATCH, budgetMs: BUDGET_MS, clock: timed.clock });
    assert.deepEqual({ total: idle.total, isComplete: idle.isComplete }, { total: 0, isComplete: true });
    assert.equal(
      timed.statements() - before,
      1 + 8,
      "the verification values, then CallbackLog, Job DONE, Job DEAD, AuditEntry, SignInAttempt, Nonce, MerchantEvent, Alert",
    );
  });

  test("with the default batch and budget, a backlog of refused calls goes in one run", async () => {
    const raw = await getRawSql();
    await raw.query(
      `INSERT INTO "CallbackLog" (id, "receivedAt", endpoint, generation, method, verification, "resultCode", "latencyMs", "requestMasked")
       SELECT gen_random_uuid()::text, $1::timestamp(3) - make_interval(secs => g), 'saas', 'V2', 'POST',
              CASE WHEN g % 2 = 0 THEN 'OK' ELSE 'BAD_SIGNATURE' END, '000000', 1, '{}'::jsonb
         FROM generate_series(1, 3000) g`,
      [ago(30 * DAY).toISOString()],
    );
    const r = await housekeeping(await getDb());
    assert.deepEqual({ pruned: r.pruned, isComplete: r.isComplete }, { pruned: { "CallbackLog refused": 1500 }, isComplete: true });
    const [left] = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM "CallbackLog" WHERE verification = 'OK'`);
    assert.equal(left?.n, 1500, "the accepted calls of 30 days ago stay");
  });
});
