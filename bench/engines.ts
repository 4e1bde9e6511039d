// The two database engines the portal supports, set up fresh for a run. With
// PostgreSQL the portal and the floor share one throw-away database; a PGlite
// folder can be opened by one process only, so each gets its own folder.
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { createBenchDatabase } from "./pg";
import type { PortalDatabase } from "./portal-server";

export const ENGINES = ["pglite", "postgres"] as const;
export type Engine = (typeof ENGINES)[number];

export type EngineSetup = {
  engine: Engine;
  portal: PortalDatabase;
  /** Env for the floor server (DATABASE_URL or DATA_DIR). */
  floorEnv: Record<string, string>;
  /** Shown next to the results. */
  note: string;
  release(): Promise<void>;
};

export async function setUpEngine(engine: Engine, workDir: string): Promise<EngineSetup> {
  const dir = (name: string) => {
    const d = path.join(workDir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };
  if (engine === "postgres") {
    const db = await createBenchDatabase();
    return {
      engine,
      // DATA_DIR still set so nothing lands in the project's ./data.
      portal: { databaseUrl: db.url, dataDir: dir("postgres-portal-data") },
      floorEnv: { DATABASE_URL: db.url },
      note: `postgres: portal and floor share database ${db.name} (floor tables bench_floor_*)`,
      release: db.drop,
    };
  }
  const portalDir = dir("pglite-portal");
  const floorDir = dir("pglite-floor");
  return {
    engine,
    portal: { dataDir: portalDir },
    floorEnv: { DATA_DIR: floorDir },
    note: "pglite: the floor uses its own PGlite folder (one folder cannot be opened by two processes); both start empty",
    release: async () => {
      rmSync(portalDir, { recursive: true, force: true });
      rmSync(floorDir, { recursive: true, force: true });
    },
  };
}
