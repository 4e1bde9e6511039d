// The hot-path statement builder: placeholders numbered across composed
// fragments, typed values, NULL literals, and (on the database) the same text
// run many times as one prepared statement with different values.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-insert-sql", { KOOGALLERY_ACCESS_KEY: "insert-sql-test-key" });
const { closeDb, getDb, getRawSql } = await import("@/lib/db");
const { applyMigrations } = await import("@/lib/migrations");
const { executeSql, insertSql, joinSql, rawSql, runSql, sql, withSql } = await import("@/lib/sql/insert-sql");

before(async () => {
  await applyMigrations(await getRawSql());
});
after(async () => {
  await closeDb();
  await database.drop();
});

describe("statement builder", () => {
  test("numbers placeholders across nested fragments and keeps values in order", () => {
    const inner = sql`b = ${2} AND c = ${"three"}`;
    const s = sql`SELECT ${1}::int WHERE ${inner} AND d = ${true}`;
    assert.equal(s.text, "SELECT $1::int WHERE b = $2 AND c = $3 AND d = $4");
    assert.deepEqual(s.values, [1, 2, "three", true]);
  });

  test("insertSql casts each kind of value and writes NULL for absent ones", () => {
    const at = new Date("2026-11-25T01:02:03.456Z");
    const s = insertSql(
      "Order",
      {
        id: "x",
        orderKey: "k",
        orderId: "o",
        instanceId: "i",
        kind: "NEW",
        periodNumber: 3,
        amount: 1.5,
        isTest: false,
        createdAt: at,
        details: { json: { k: 1 } },
        orderLineId: null,
        customerId: undefined,
      },
      { from: "src", onConflictDoNothing: true, returning: "id" },
    );
    assert.equal(
      s.text,
      `INSERT INTO "Order" ("id", "orderKey", "orderId", "instanceId", "kind", "periodNumber", "amount", "isTest", "createdAt", "details", ` +
        `"orderLineId", "customerId") SELECT $1::text, $2::text, $3::text, $4::text, $5::text, $6::int, $7::float8, $8::boolean, ` +
        `$9::timestamp(3), $10::jsonb, NULL, NULL FROM src ON CONFLICT DO NOTHING RETURNING id`,
    );
    assert.deepEqual(s.values, ["x", "k", "o", "i", "NEW", 3, 1.5, false, "2026-11-25T01:02:03.456Z", '{"k":1}']);
  });

  test("enums are cast to their type; { json: null } and { value: null } are NULL", () => {
    const s = insertSql("Job", {
      id: "j",
      kind: "fetch-order",
      payload: { json: null },
      status: { enumType: "JobStatus", value: "PENDING" },
      runAt: new Date(0),
      createdAt: new Date(0),
      updatedAt: new Date(0),
    });
    assert.match(s.text, /SELECT \$1::text, \$2::text, NULL, \$3::"JobStatus", /);
    const nullable = insertSql("InstanceEvent", {
      id: "e",
      instanceId: "i",
      kind: "CREATED",
      toState: { enumType: "InstanceState", value: null },
      createdAt: new Date(0),
    });
    assert.match(nullable.text, /SELECT \$1::text, \$2::text, \$3::text, NULL, \$4::timestamp\(3\)$/);
  });

  test("a Date in a sql template binds as UTC wall time cast to timestamp(3)", () => {
    const s = sql`SELECT 1 WHERE "createdAt" < ${new Date("2026-01-02T03:04:05.006Z")}`;
    assert.equal(s.text, `SELECT 1 WHERE "createdAt" < $1::timestamp(3)`);
    assert.deepEqual(s.values, ["2026-01-02T03:04:05.006Z"]);
  });

  test("joinSql joins fragments and their values", () => {
    const s = sql`SELECT 1 WHERE ${joinSql([sql`a = ${1}`, sql`b = ${2}`], " AND ")}`;
    assert.equal(s.text, "SELECT 1 WHERE a = $1 AND b = $2");
    assert.deepEqual(s.values, [1, 2]);
  });

  test("withSql with no CTEs is the final statement alone", () => {
    const final = sql`SELECT ${1} AS one`;
    assert.equal(withSql([], final), final);
  });

  test("withSql renumbers every CTE's values after the ones before it", () => {
    const s = withSql(
      [
        ["a", sql`SELECT ${"first"} AS v`],
        ["b", sql`SELECT ${"second"} AS v`],
      ],
      rawSql("SELECT (SELECT v FROM a), (SELECT v FROM b)"),
    );
    assert.equal(s.text, "WITH a AS (SELECT $1 AS v), b AS (SELECT $2 AS v) SELECT (SELECT v FROM a), (SELECT v FROM b)");
    assert.deepEqual(s.values, ["first", "second"]);
  });
});

describe("on the database", () => {
  test("one text, many values: a prepared statement per shape gives each call its own values", async () => {
    const raw = await getRawSql();
    const ids = Array.from({ length: 12 }, () => randomUUID());
    // More runs than PostgreSQL's five custom plans, so the generic plan is exercised too.
    for (const id of ids) {
      const statement = withSql(
        [["n", insertSql("Nonce", { nonce: `test:${id}`, createdAt: new Date() }, { onConflictDoNothing: true, returning: "1" })]],
        rawSql(`SELECT (SELECT count(*)::int FROM n) AS "fresh"`),
      );
      const [row] = await runSql<{ fresh: number }>({ raw, tx: undefined as never }, statement);
      assert.equal(row?.fresh, 1);
    }
    const again = withSql(
      [["n", insertSql("Nonce", { nonce: `test:${ids[0]}`, createdAt: new Date() }, { onConflictDoNothing: true, returning: "1" })]],
      rawSql(`SELECT (SELECT count(*)::int FROM n) AS "fresh"`),
    );
    const [replay] = await runSql<{ fresh: number }>({ raw, tx: undefined as never }, again);
    assert.equal(replay?.fresh, 0, "the same nonce again inserts nothing");
    const [stored] = await raw.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Nonce" WHERE nonce = ANY($1::text[])`, [ids.map((id) => `test:${id}`)]);
    assert.equal(stored?.n, ids.length);
  });

  test("runSql and executeSql on a Prisma client: rows, and the count of rows touched", async () => {
    const db = await getDb();
    const nonce = `test:${randomUUID()}`;
    const inserted = await executeSql(db, insertSql("Nonce", { nonce, createdAt: new Date() }));
    assert.equal(inserted, 1);
    const rows = await runSql<{ nonce: string; createdAt: Date }>(db, sql`SELECT nonce, "createdAt" FROM "Nonce" WHERE nonce = ${nonce}`);
    assert.equal(rows[0]?.nonce, nonce);
    assert.ok(rows[0]?.createdAt instanceof Date);
    assert.equal(await executeSql(db, sql`DELETE FROM "Nonce" WHERE nonce = ${nonce}`), 1);
  });
});
