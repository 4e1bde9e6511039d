// Next.js configuration. The database drivers and Prisma's generated client stay
// outside the bundle: PGlite loads its WASM and data files from its package.
/** @type {import('next').NextConfig} */
const nextConfig = {
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/client", "@prisma/adapter-pg", "pg", "node-forge"],
  poweredByHeader: false,
  // Body-Sign covers the exact body bytes KooGallery reads; compression is left
  // to the reverse proxy in front (and saves CPU on small machines).
  compress: false,
  reactStrictMode: true,
  // Types are checked by `npm run typecheck` (CI runs it before the tests);
  // the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
