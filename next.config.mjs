import createNextIntlPlugin from "next-intl/plugin";

// Next.js configuration. The database drivers and Prisma's generated client stay
// outside the bundle: PGlite loads its WASM and data files from its package.

// Next.js's App Router streams its data in inline scripts, so scripts need
// 'unsafe-inline' (nonces would make every page dynamic); 'unsafe-eval' only
// for the development server's refresh. No form-action: signing in sends the
// browser on to each tenant's own identity provider.
const contentSecurityPolicy = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${process.env.NODE_ENV === "development" ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join("; ");

// Strict-Transport-Security depends on PORTAL_PUBLIC_URL, which is known when
// the server starts, not when this is built: server.ts adds it.
const securityHeaders = [
  { key: "Content-Security-Policy", value: contentSecurityPolicy },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Content-Type-Options", value: "nosniff" },
];

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
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // The stand-in application's URL carries the hand-off token: no Referer at all (the later entry wins).
      { source: "/app/:path*", headers: [{ key: "Referrer-Policy", value: "no-referrer" }] },
    ];
  },
};

// next-intl reads each request's language, time zone and catalogs from lib/i18n/request.ts.
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

export default withNextIntl(nextConfig);
