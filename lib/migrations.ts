// Applies prisma/migrations/*/migration.sql in order and keeps Prisma's own
// `_prisma_migrations` bookkeeping (same columns, sha256 checksum), so
// `prisma migrate deploy` stays interchangeable where its engine exists.
// A PostgreSQL advisory lock (Prisma's id) keeps concurrent starts from racing.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { RawSql } from "@/lib/db";

const PRISMA_ADVISORY_LOCK = 72707369;

const BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export type Migration = { name: string; sql: string; checksum: string };

export function readMigrations(dir = path.join(process.cwd(), "prisma", "migrations")): Migration[] {
  if (!existsSync(/*turbopackIgnore: true*/ dir)) return [];
  return readdirSync(/*turbopackIgnore: true*/ dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(/*turbopackIgnore: true*/ path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(/*turbopackIgnore: true*/ path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export class MigrationError extends Error {
  override name = "MigrationError";
}

/** Applies pending migrations; returns the names it applied. */
export async function applyMigrations(raw: RawSql, migrations = readMigrations()): Promise<string[]> {
  return raw.withConnection(async (conn) => {
    if (raw.kind === "postgres") await conn.query("SELECT pg_advisory_lock($1)", [PRISMA_ADVISORY_LOCK]);
    try {
      await conn.exec(BOOKKEEPING);
      const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null; rolled_back_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"`,
      );
      const applied = new Map(rows.filter((r) => r.rolled_back_at === null).map((r) => [r.migration_name, r]));
      const done: string[] = [];
      for (const m of migrations) {
        const row = applied.get(m.name);
        if (row) {
          if (row.finished_at === null) {
            throw new MigrationError(`Migration ${m.name} started earlier but did not finish; fix the database, then mark it rolled back`);
          }
          if (row.checksum !== m.checksum) console.warn(`[migrate] ${m.name} was changed after it was applied`);
          continue;
        }
        const id = randomUUID();
        await conn.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)`, [
          id,
          m.checksum,
          m.name,
        ]);
        try {
          await conn.exec(`BEGIN;\n${m.sql}\nCOMMIT;`);
        } catch (error) {
          // The whole file ran in one transaction, so nothing of it stayed: mark
          // the attempt rolled back (with its log) and let a fixed file run again.
          await conn.exec("ROLLBACK").catch(() => undefined);
          const message = error instanceof Error ? error.message : String(error);
          await conn.query(`UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1`, [id, message]);
          throw new MigrationError(`Migration ${m.name} failed: ${message}`);
        }
        await conn.query(`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`, [id]);
        done.push(m.name);
      }
      return done;
    } finally {
      if (raw.kind === "postgres") await conn.query("SELECT pg_advisory_unlock($1)", [PRISMA_ADVISORY_LOCK]);
    }
  });
}
