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
  typescript: { tsconfigPath: "tsconfig.json" },
};

export default nextConfig;
