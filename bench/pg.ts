// A throw-away PostgreSQL database per run, so the bench never touches real
// data and starts from empty tables; dropped at the end, on failure and on ctrl-c.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { onCleanup } from "./cleanup";

/** Server to create bench databases on (any database there works as the admin connection). */
export const BENCH_PG_ADMIN_URL = process.env.BENCH_PG_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export type BenchDatabase = { name: string; url: string; drop(): Promise<void> };

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: BENCH_PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  const url = new URL(BENCH_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  // FORCE: a server we could not stop may still hold connections (PostgreSQL 13+).
  const drop = onCleanup(`drop database ${name}`, () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined));
  return { name, url: url.toString(), drop };
}

/** Facts printed with the results; settings like synchronous_commit change insert throughput a lot. */
export async function describePostgres(): Promise<string> {
  return admin(async (c) => {
    const r = await c.query<{ v: string; sc: string; mc: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('synchronous_commit') AS sc, current_setting('max_connections') AS mc",
    );
    const row = r.rows[0];
    return row ? `PostgreSQL ${row.v} (synchronous_commit=${row.sc}, max_connections=${row.mc})` : "PostgreSQL";
  });
}
