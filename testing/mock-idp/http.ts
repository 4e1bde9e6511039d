// Routing: which tenant and which endpoint a path under the mount point is.
import type { IncomingMessage, ServerResponse } from "node:http";
import { handleServiceValidate, startCasLogin } from "./cas";
import { sendJson, sendMethodNotAllowed, safeDecode } from "./http-io";
import { handleToken, handleUserinfo, startAuthorize } from "./oauth";
import { sendPage } from "./pages";
import { handleLogout, runInteractiveFlow } from "./sign-in";
import type { Ctx, State } from "./state";
import { startUnifiedLogin } from "./unified-login";

export async function handleMockIdpRequest(state: State, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://mock-idp.invalid");
  const rest = pathUnderBase(state.basePath, url.pathname);
  if (rest === undefined) return false;
  try {
    await route(state, req, res, url, rest);
  } catch {
    // A mock must not take the portal's server down with it.
    if (!res.headersSent) sendJson(res, 500, { error: "server_error" });
    else res.destroy();
  }
  return true;
}

function pathUnderBase(basePath: string, pathname: string): string | undefined {
  if (basePath === "") return pathname;
  if (pathname === basePath) return "/";
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

const TENANT_PATH = /^\/tenants\/([^/]+)(\/.*)?$/;

async function route(state: State, req: IncomingMessage, res: ServerResponse, url: URL, rest: string): Promise<void> {
  const match = TENANT_PATH.exec(rest);
  const encodedTenantId = match?.[1];
  if (!match || encodedTenantId === undefined) return sendJson(res, 404, { error: "not_found" });
  const tenant = state.tenants.get(safeDecode(encodedTenantId) ?? "");
  if (!tenant) return sendPage(res, 404, "Unknown tenant", "<h1>unknown tenant</h1><p>This mock KooGallery has no such tenant.</p>");
  const ctx: Ctx = { state, tenant, req, res, url, tenantPath: `${state.basePath}/tenants/${encodedTenantId}` };
  const endpoint = match[2] ?? "/";
  switch (endpoint) {
    case "/api/v1/oauth2/authorize":
      return runInteractiveFlow(ctx, startAuthorize);
    case "/api/v1/oauth2/token":
      return onlyMethod(ctx, "POST", handleToken);
    case "/api/v1/oauth2/userinfo":
      return onlyMethod(ctx, "GET", handleUserinfo);
    case "/api/v1/logout":
      return onlyMethod(ctx, "GET", handleLogout);
    case "/api/v1/cas/login":
      return runInteractiveFlow(ctx, startCasLogin);
    case "/api/v1/cas/p3/serviceValidate":
      return onlyMethod(ctx, "GET", handleServiceValidate);
    case "/unified-login":
      return runInteractiveFlow(ctx, startUnifiedLogin);
    default:
      return sendJson(res, 404, { error: "not_found" });
  }
}

async function onlyMethod(ctx: Ctx, method: "GET" | "POST", handler: (ctx: Ctx) => void | Promise<void>): Promise<void> {
  if (ctx.req.method !== method) return sendMethodNotAllowed(ctx.res, method);
  return handler(ctx);
}
