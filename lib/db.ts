// The one database module. DATABASE_URL set: PostgreSQL through @prisma/adapter-pg.
// Unset: an embedded PGlite database under DATA_DIR/pglite (same schema, same
// migrations). Both are reached through Prisma for domain code, through the
// lib/sql builder for the statements Prisma's API cannot say (ADR 0009; on the
// hot path straight to the driver), and through `getRawSql` for the migration runner.
import { createHash } from "node:crypto";
import path from "node:path";
import { mkdirSync } from "node:fs";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { getEnv } from "@/lib/env";

export type Db = PrismaClient;
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

/** Minimal raw SQL access shared by both engines. */
export type RawSql = {
  kind: "postgres" | "pglite";
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /**
   * The same, as a named prepared statement on PostgreSQL: each connection
   * parses and plans the text once (ADR 0004). Only for texts built from a
   * bounded set of shapes (the hot-path statements), never for ad-hoc SQL.
   */
  queryPrepared<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script (migrations). */
  exec(script: string): Promise<void>;
  /** Runs fn with exclusive use of one connection (advisory locks). */
  withConnection<T>(fn: (conn: Omit<RawSql, "withConnection" | "close" | "queryPrepared">) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

type Handles = { prisma: PrismaClient; raw: RawSql };

const globalForDb = globalThis as unknown as { __portalDb?: Promise<Handles> };

/** Distinct prepared texts per process; past this, statements run unnamed (a bug building texts must not grow every connection without bound). */
const MAX_PREPARED_TEXTS = 256;

/** Statement names by text: `kg_` + a hash, so the same text gets the same name on every connection. */
function statementNamer(isEnabled: boolean): (sql: string) => string | undefined {
  const names = new Map<string, string>();
  return (sql) => {
    if (!isEnabled) return undefined;
    let name = names.get(sql);
    if (name === undefined && names.size < MAX_PREPARED_TEXTS) {
      name = `kg_${createHash("sha256").update(sql).digest("base64url").slice(0, 32)}`;
      names.set(sql, name);
    }
    return name;
  };
}

/** The session setting every connection starts with (ADR 0002): our timestamp columns hold UTC wall time. */
const UTC_SESSION_OPTION = "-c TimeZone=UTC";

/**
 * The pool's connection string and startup `options`: the URL's own options
 * (if any) followed by TimeZone=UTC, so ours wins (the last -c of a setting
 * counts). node-postgres lets an `options` in the URL override the one in the
 * config, so it is taken out of the URL and merged here.
 */
export function utcSessionConfigOf(url: string): { connectionString: string; options: string } {
  const query = url.split("#")[0]?.split("?")[1] ?? "";
  // node-postgres reads the query with URLSearchParams; a repeated key keeps its last value.
  const own = new URLSearchParams(query).getAll("options").at(-1)?.trim();
  const connectionString = url.replace(/([?&])options=[^&#]*&?/g, "$1").replace(/[?&](?=#|$)/, "");
  return { connectionString, options: own ? `${own} ${UTC_SESSION_OPTION}` : UTC_SESSION_OPTION };
}

async function openPostgres(url: string, poolSize: number, isPreparing: boolean): Promise<Handles> {
  // A startup option rather than a SET after connecting: it holds for every
  // connection the pool opens, withConnection's included, with no extra round trip.
  const pool = new pg.Pool({ ...utcSessionConfigOf(url), max: poolSize });
  // An idle connection that PostgreSQL closes (a restart, a failover, an
  // administrator) is reported here; without a listener node-postgres throws it
  // as an uncaught exception and the whole portal stops. The pool replaces it.
  pool.on("error", (error) => console.error(`[db] idle PostgreSQL connection lost: ${error.message}`));
  const adapter = new PrismaPg(pool);
  const prisma = new PrismaClient({ adapter });
  const nameOf = statementNamer(isPreparing);
  const raw: RawSql = {
    kind: "postgres",
    async query<T>(sql: string, params: unknown[] = []) {
      return (await pool.query(sql, params)).rows as T[];
    },
    async queryPrepared<T>(sql: string, params: unknown[] = []) {
      const name = nameOf(sql);
      return (await (name === undefined ? pool.query(sql, params) : pool.query({ name, text: sql, values: params }))).rows as T[];
    },
    async exec(script) {
      await pool.query(script);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn({
          kind: "postgres",
          query: async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[],
          exec: async (script: string) => void (await client.query(script)),
        });
      } finally {
        client.release();
      }
    },
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
  return { prisma, raw };
}

async function openPglite(dataDir: string): Promise<Handles> {
  // Loaded lazily so a PostgreSQL deployment never loads the WASM engine.
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const dir = path.join(dataDir, "pglite");
  mkdirSync(dir, { recursive: true });
  // As a start parameter, like PostgreSQL's startup option: it outranks the
  // folder's postgresql.conf and ALTER SYSTEM, and RESET ALL returns to it.
  const db = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...UTC_SESSION_OPTION.split(" ")] });
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  // PGlite is in-process: no protocol round trip to save.
  const query = async <T>(sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows as T[];
  const conn = {
    kind: "pglite" as const,
    query,
    queryPrepared: query,
    exec: async (script: string) => void (await db.exec(script)),
  };
  const raw: RawSql = {
    ...conn,
    // PGlite is one connection already.
    withConnection: (fn) => fn(conn),
    async close() {
      await prisma.$disconnect();
      await db.close();
    },
  };
  return { prisma, raw };
}

function open(): Promise<Handles> {
  const env = getEnv();
  return env.databaseUrl ? openPostgres(env.databaseUrl, env.databasePoolSize, env.databasePreparedStatements) : openPglite(env.dataDir);
}

function handles(): Promise<Handles> {
  globalForDb.__portalDb ??= open().catch((error: unknown) => {
    globalForDb.__portalDb = undefined;
    throw error;
  });
  return globalForDb.__portalDb;
}

export async function getDb(): Promise<Db> {
  return (await handles()).prisma;
}

export async function getRawSql(): Promise<RawSql> {
  return (await handles()).raw;
}

export async function closeDb(): Promise<void> {
  const h = globalForDb.__portalDb;
  globalForDb.__portalDb = undefined;
  if (h) await (await h).raw.close();
}
