// The hooks every in-process database test file starts with: migrate before
// its tests, close the handle and drop the database after them. The modules
// that read the environment are imported inside the hooks, after
// prepareInProcessDatabase has set it.
import { after, before } from "node:test";
import type { InProcessDatabase } from "@/testing/support/in-process-database";

export function setUpMigratedDatabase(database: InProcessDatabase): void {
  before(async () => {
    const { getRawSql } = await import("@/lib/db");
    const { applyMigrations } = await import("@/lib/migrations");
    await applyMigrations(await getRawSql());
  });
  after(async () => {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await database.drop();
  });
}
