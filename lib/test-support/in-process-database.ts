// For tests that call lib/ in-process on a real database: a fresh PGlite folder,
// or (TEST_DB=postgres) a throw-away PostgreSQL database. Call it before
// importing anything that reads the environment (lib/env caches it).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";

export type InProcessDatabase = { dataDir: string; isPostgres: boolean; drop(): Promise<void> };

async function adminQuery(adminUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function prepareInProcessDatabase(prefix: string, env: Record<string, string>): Promise<InProcessDatabase> {
  const isPostgres = process.env.TEST_DB === "postgres";
  const dataDir = mkdtempSync(path.join(tmpdir(), `${prefix}-`));
  const adminUrl = process.env.TEST_PG_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const databaseName = `kg_unit_${randomBytes(6).toString("hex")}`;
  Object.assign(process.env, { DATA_DIR: dataDir, PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"), JOBS_DISABLED: "1" }, env);
  if (isPostgres) {
    await adminQuery(adminUrl, `CREATE DATABASE ${databaseName}`);
    const url = new URL(adminUrl);
    url.pathname = `/${databaseName}`;
    process.env.DATABASE_URL = url.toString();
  } else {
    delete process.env.DATABASE_URL;
  }
  return {
    dataDir,
    isPostgres,
    async drop() {
      if (isPostgres) await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
