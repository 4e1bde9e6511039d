// Rows for insertSql are typed from the Prisma schema: each `@ts-expect-error`
// below is a mistake `npm run typecheck` must refuse (an unused one fails the
// typecheck). At run time the statements are only built, never run.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { insertSql } from "@/lib/sql/insert-sql";
import { lockRows } from "@/lib/sql/lock-rows";
import type { SqlClient } from "@/lib/sql/insert-sql";

const at = new Date("2026-12-01T00:00:00.000Z");

describe("insert rows typed from the schema", () => {
  test("a correct row compiles and names its columns", () => {
    const s = insertSql("Nonce", { nonce: "n", createdAt: at });
    assert.equal(s.text, `INSERT INTO "Nonce" ("nonce", "createdAt") SELECT $1::text, $2::timestamp(3)`);
  });

  test("mistakes do not compile", () => {
    const built = [
      // @ts-expect-error: a column the model does not have (a rename or a typo)
      insertSql("Nonce", { nonce: "n", createdAt: at, createdOn: at }),
      // @ts-expect-error: a table that is not a model
      insertSql("Nonces", { nonce: "n", createdAt: at }),
      // @ts-expect-error: a required column left out (Job.kind)
      insertSql("Job", { id: "j", payload: { json: {} }, runAt: at, createdAt: at, updatedAt: at }),
      // @ts-expect-error: a DateTime the database would fill through the session's zone must be given
      insertSql("Nonce", { nonce: "n" }),
      // @ts-expect-error: an enum column takes { enumType, value }, not a bare string
      insertSql("InstanceEvent", { id: "e", instanceId: "i", kind: "CREATED", toState: "ACTIVE", createdAt: at }),
      // @ts-expect-error: the wrong enum type for the column
      insertSql("InstanceEvent", { id: "e", instanceId: "i", kind: "CREATED", toState: { enumType: "JobStatus", value: "ACTIVE" }, createdAt: at }),
      // @ts-expect-error: a value outside the enum
      insertSql("InstanceEvent", { id: "e", instanceId: "i", kind: "CREATED", toState: { enumType: "InstanceState", value: "GONE" }, createdAt: at }),
      // @ts-expect-error: a Json column takes { json }, not a bare value
      insertSql("Job", { id: "j", kind: "k", payload: "{}", runAt: at, createdAt: at, updatedAt: at }),
      // @ts-expect-error: a number for a text column
      insertSql("Nonce", { nonce: 1, createdAt: at }),
      // @ts-expect-error: null for a NOT NULL column
      insertSql("Nonce", { nonce: null, createdAt: at }),
    ];
    assert.equal(built.length, 10);
  });

  test("row locks take the model's columns too", () => {
    const tx = {} as SqlClient;
    // Never awaited: only the types are checked.
    const check = () => [
      lockRows(tx, "StaffUser", { role: "OWNER", disabledAt: null }),
      // @ts-expect-error: a column the model does not have
      lockRows(tx, "StaffUser", { rank: "OWNER" }),
      // @ts-expect-error: a value outside the enum
      lockRows(tx, "StaffUser", { role: "ADMIN" }),
      // @ts-expect-error: a column to read back that the model does not have
      lockRows(tx, "Instance", { id: "i" }, { columns: ["id", "status"] }),
    ];
    assert.equal(typeof check, "function");
  });
});
