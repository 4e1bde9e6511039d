// npm run db:migrate: apply pending migrations to DATABASE_URL (PostgreSQL) or,
// when unset, to the embedded PGlite database under DATA_DIR. Stop the portal
// first when it uses PGlite (one process may open the folder at a time).
import { closeDb, getRawSql } from "../lib/db";
import { applyMigrations, readMigrations } from "../lib/migrations";

process.env.KOOGALLERY_ACCESS_KEY ??= "migrate-only";
process.env.PORTAL_ENCRYPTION_KEY ??= "0".repeat(64);

const raw = await getRawSql();
const applied = await applyMigrations(raw);
console.log(applied.length ? `applied: ${applied.join(", ")}` : `up to date (${readMigrations().length} migrations, ${raw.kind})`);
await closeDb();
