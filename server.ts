// The production server (`npm start`): one node:http server in which
// KooGallery's callbacks go straight to their handlers and everything else
// (portal pages, portal APIs, auth) goes to Next.js. `next start` also works:
// the app/ route files serve the same callbacks, with more overhead per call.
import { createServer } from "node:http";
import path from "node:path";
import next from "next";
import { callbackRouteOf, serveNodeCallback } from "./lib/callbacks/serve-node-callback";
import { startPortal } from "./lib/start-portal";
import { stopPortal } from "./lib/stop-portal";
import { getEnv } from "./lib/env";
import { CLIENT_ADDRESS_HEADER, clientAddressFrom } from "./lib/http/client-address";
import { isSecureUrl } from "./lib/auth/sso-cookies";
// Type only (erased): the mock itself is loaded by loadMockIdp, behind PORTAL_MOCK_IDP.
import type { MockIdp } from "./testing/mock-idp/mock-idp";

const MOCK_IDP_BASE_PATH = "/mock-idp";
const root = import.meta.dirname;
const isDev = process.argv.includes("--dev");
const port = Number(process.env.PORT ?? 3000);
const hostname = process.env.HOSTNAME ?? "0.0.0.0";

(process.env as Record<string, string | undefined>).NODE_ENV ??= isDev ? "development" : "production";
await startPortal();
const app = next({ dev: isDev, dir: root, port, hostname });
await app.prepare();
const handleNext = app.getRequestHandler();

// Demo and tests: KooGallery's identity provider, mocked under /mock-idp (tenants from DATA_DIR/mock-idp-tenants.json).
const env = getEnv();
const mockIdp: MockIdp | undefined = env.auth.isMockIdp ? await loadMockIdp(env.dataDir) : undefined;
if (mockIdp) console.log(`[portal] mock KooGallery identity provider at ${MOCK_IDP_BASE_PATH} (demo and tests only)`);

// The other security headers are in next.config.mjs; this one depends on the
// public URL, which the build does not know. Browsers heed it only over https.
const isHttps = isSecureUrl(env.publicUrl);

const server = createServer((req, res) => {
  if (isHttps) res.setHeader("strict-transport-security", "max-age=31536000");
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const pathname = q < 0 ? url : url.slice(0, q);
  // Callbacks read the socket's address themselves (serve-node-callback.ts).
  const route = callbackRouteOf(pathname, req.method ?? "GET");
  if (route) return void serveNodeCallback(req, res, route);
  // Handlers behind Next.js cannot see the socket: the address goes on in a header no client can set.
  req.headers[CLIENT_ADDRESS_HEADER] = clientAddressFrom(req.socket.remoteAddress, req.headers["x-forwarded-for"], env.trustedProxyHops);
  if (mockIdp && pathname.startsWith(MOCK_IDP_BASE_PATH + "/")) void mockIdp.handle(req, res);
  else void handleNext(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, hostname, () => console.log(`[portal] listening on http://${hostname === "0.0.0.0" ? "localhost" : hostname}:${port}`));

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    void stopPortal(server).finally(() => process.exit(0));
  });
}

/** A dynamic import, so that a production server (PORTAL_MOCK_IDP unset) never loads the test double. */
async function loadMockIdp(dataDir: string): Promise<MockIdp> {
  const { createMockIdp } = await import("./testing/mock-idp/mock-idp");
  return createMockIdp({ basePath: MOCK_IDP_BASE_PATH, tenantsFile: path.join(dataDir, "mock-idp-tenants.json") });
}
