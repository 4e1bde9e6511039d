// The hot-path statement builder: placeholders numbered across composed
// fragments, typed values, NULL literals, and (on the database) the same text
// run many times as one prepared statement with different values.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-insert-sql", { KOOGALLERY_ACCESS_KEY: "insert-sql-test-key" });
const { closeDb, getRawSql } = await import("@/lib/db");
const { applyMigrations } = await import("@/lib/migrations");
const { insertSql, rawSql, runSql, sql, withSql } = await import("@/lib/sql/insert-sql");

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
      "T",
      { a: "x", b: 3, c: 1.5, d: false, e: at, f: { json: { k: 1 } }, g: { enumType: "Generation", value: "V2" }, h: null, i: undefined, j: { json: null } },
      { from: "src", onConflictDoNothing: true, returning: "id" },
    );
    assert.equal(
      s.text,
      `INSERT INTO "T" ("a", "b", "c", "d", "e", "f", "g", "h", "i", "j") SELECT $1::text, $2::int, $3::float8, $4::boolean, $5::timestamp(3), $6::jsonb, $7::"Generation", NULL, NULL, NULL FROM src ON CONFLICT DO NOTHING RETURNING id`,
    );
    assert.deepEqual(s.values, ["x", 3, 1.5, false, "2026-11-25T01:02:03.456Z", '{"k":1}', "V2"]);
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
});
