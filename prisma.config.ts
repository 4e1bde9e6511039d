// Prisma CLI configuration. The CLI is only used for `prisma generate` here;
// migrations are applied by lib/migrations.ts (see README).
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://unused/unused" },
});
