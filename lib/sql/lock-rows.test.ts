// Row locks on a real database (PGlite; PostgreSQL with TEST_DB=postgres): the
// rows matching the filter come back with the columns asked for, and on
// PostgreSQL a second transaction locking the same row waits for the first.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-lock-rows", { KOOGALLERY_ACCESS_KEY: "lock-rows-test-key" });
const { closeDb, getDb, getRawSql } = await import("@/lib/db");
const { applyMigrations } = await import("@/lib/migrations");
const { lockRow, lockRows } = await import("@/lib/sql/lock-rows");

before(async () => {
  await applyMigrations(await getRawSql());
});
after(async () => {
  await closeDb();
  await database.drop();
});

async function addStaff(role: "OWNER" | "OPERATOR", isDisabled = false): Promise<string> {
  const db = await getDb();
  const row = await db.staffUser.create({
    data: { email: `${randomUUID()}@example.test`, name: "t", passwordHash: "x", role, disabledAt: isDisabled ? new Date() : null },
    select: { id: true },
  });
  return row.id;
}

describe("lockRows", () => {
  test("returns the matching rows in key order, with the columns asked for", async () => {
    const db = await getDb();
    const owners = [await addStaff("OWNER"), await addStaff("OWNER")].sort();
    await addStaff("OWNER", true);
    await addStaff("OPERATOR");
    const rows = await db.$transaction((tx) => lockRows(tx, "StaffUser", { role: "OWNER", disabledAt: null }));
    const ids = rows.map((r) => r.id);
    assert.deepEqual(
      ids.filter((id) => owners.includes(id)),
      owners,
    );
    assert.deepEqual([...ids].sort(), ids, "in key order");
    const one = await db.$transaction((tx) => lockRow(tx, "StaffUser", owners[0]!, { columns: ["id", "role", "disabledAt"] }));
    assert.deepEqual(one, { id: owners[0], role: "OWNER", disabledAt: null });
    assert.equal(await db.$transaction((tx) => lockRow(tx, "StaffUser", "no-such-id")), null);
  });

  test("a second transaction waits for the first one's lock (PostgreSQL)", { skip: process.env.TEST_DB !== "postgres" }, async () => {
    const db = await getDb();
    const id = await addStaff("OPERATOR");
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const first = db.$transaction(async (tx) => {
      await lockRow(tx, "StaffUser", id);
      locked();
      await held;
      order.push("first done");
    });
    await isLocked;
    const second = db.$transaction(async (tx) => {
      await lockRow(tx, "StaffUser", id);
      order.push("second locked");
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.deepEqual(order, [], "the second transaction is still waiting");
    release();
    await Promise.all([first, second]);
    assert.deepEqual(order, ["first done", "second locked"]);
  });
});
