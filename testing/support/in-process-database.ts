// For tests that call lib/ in-process on a real database: a fresh PGlite folder,
// or (TEST_DB=postgres) a throw-away PostgreSQL database. Call it before
// importing anything that reads the environment (lib/env caches it).
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before } from "node:test";
import pg from "pg";

export type InProcessDatabase = {
  dataDir: string;
  isPostgres: boolean;
  /**
   * The zone a bare session of this database starts in (SHOW timezone), before
   * the app's own session settings. PGlite: only while the app's handle is
   * closed (a folder is opened by one PGlite at a time).
   */
  showDefaultTimeZone(): Promise<string>;
  drop(): Promise<void>;
};

export type InProcessDatabaseOptions = {
  /**
   * The database's default time zone (e.g. Asia/Shanghai), to check that the
   * app does not depend on it: ALTER DATABASE on PostgreSQL. PGlite ignores
   * per-database and per-role settings, so there it goes to the folder's
   * postgresql.auto.conf (ALTER SYSTEM), which every later session reads.
   */
  timeZone?: string;
  /**
   * Registers the file's usual node:test hooks: the migrations applied before its tests, the app's
   * database handle closed and the database dropped after them.
   */
  migrate?: boolean;
};

const ZONE_NAME = /^[A-Za-z0-9_+\-/]+$/;

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function showPgliteTimeZone(dataDir: string, statement?: string): Promise<string> {
  const { PGlite } = await import("@electric-sql/pglite");
  const dir = path.join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  try {
    if (statement) await db.exec(statement);
    return (await db.query<{ TimeZone: string }>("SHOW timezone")).rows[0]?.TimeZone ?? "";
  } finally {
    await db.close();
  }
}

export async function prepareInProcessDatabase(prefix: string, env: Record<string, string>, opts: InProcessDatabaseOptions = {}): Promise<InProcessDatabase> {
  const isPostgres = process.env.TEST_DB === "postgres";
  if (opts.timeZone !== undefined && !ZONE_NAME.test(opts.timeZone)) throw new Error(`not a time zone name: ${opts.timeZone}`);
  const dataDir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const adminUrl = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseName = `kg_unit_${randomBytes(6).toString("hex")}`;
  Object.assign(process.env, { DATA_DIR: dataDir, PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"), JOBS_DISABLED: "1" }, env);
  if (isPostgres) {
    await adminQuery(adminUrl, `CREATE DATABASE ${databaseName}`);
    if (opts.timeZone) await adminQuery(adminUrl, `ALTER DATABASE ${databaseName} SET timezone TO '${opts.timeZone}'`);
    const url = new URL(adminUrl);
    url.pathname = `/${databaseName}`;
    process.env.DATABASE_URL = url.toString();
  } else {
    delete process.env.DATABASE_URL;
    if (opts.timeZone) await showPgliteTimeZone(dataDir, `ALTER SYSTEM SET timezone TO '${opts.timeZone}'`);
  }
  const databaseUrl = process.env.DATABASE_URL;
  const database: InProcessDatabase = {
    dataDir,
    isPostgres,
    async showDefaultTimeZone() {
      if (!isPostgres || !databaseUrl) return showPgliteTimeZone(dataDir);
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        return (await client.query<{ TimeZone: string }>("SHOW timezone")).rows[0]?.TimeZone ?? "";
      } finally {
        await client.end();
      }
    },
    async drop() {
      if (isPostgres) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  if (opts.migrate) migrateBeforeAndDropAfter(database);
  return database;
}

function migrateBeforeAndDropAfter(database: InProcessDatabase): void {
  // Imported in the hooks: lib/db reads the environment this file has just set.
  before(async () => {
    const [{ getRawSql }, { applyMigrations }] = await Promise.all([import("@/lib/db"), import("@/lib/migrations")]);
    await applyMigrations(await getRawSql());
  });
  after(async () => {
    const { closeDb } = await import("@/lib/db");
    await closeDb();
    await database.drop();
  });
}
