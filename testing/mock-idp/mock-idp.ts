// An offline stand-in for the KooGallery (OneAccess-like) identity provider of protocol:sso.md:
// OAuth2 authorization code (with PKCE), refresh, userinfo, logout, CAS 3.0 and the
// IdP-initiated unified login. Every tenant gets its own "domain" under
// `{basePath}/tenants/{tenantId}`, the way each KooGallery tenant has its own domainName.
// Pure node:http and in-memory state: tests start it on a random port, the demo mounts
// it under `/mock-idp` in the portal's own server.
//
// Files by concern: state.ts (what every endpoint shares), tenants.ts (tenants, users and
// their JSON file), http.ts (routing), http-io.ts (reading and answering requests),
// pages.ts (HTML), sign-in.ts (the sign-in page's flows, sessions, logout), oauth.ts,
// cas.ts and unified-login.ts.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handleMockIdpRequest } from "./http";
import { sendJson } from "./http-io";
import { issueCode } from "./oauth";
import { upsertTenant, type MockIdpTokenRequest, type PkceMethod, type State } from "./state";
import { findUser, loadMockIdpTenants, type MockIdpTenant } from "./tenants";

export type MockIdpOptions = {
  /** Where the mock is mounted, e.g. "/mock-idp"; default "" (the whole server). */
  basePath?: string;
  tenants?: MockIdpTenant[];
  /** Read with loadMockIdpTenants when `tenants` is absent. */
  tenantsFile?: string;
  /** Lifetime of authorization codes and CAS tickets; default 60 s. */
  codeTtlMs?: number;
  /** Default 7200 (protocol:sso.md: access tokens last 2 h). */
  accessTokenTtlSec?: number;
  /** Default 30 days (protocol:sso.md). */
  refreshTokenTtlSec?: number;
};

export type MockIdp = {
  /** Answers requests under basePath; resolves false (answering nothing) for any other path. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  upsertTenant(t: MockIdpTenant): void;
  /** The tenant's `domainName`: `${origin}${basePath}/tenants/${encodeURIComponent(tenantId)}`. */
  tenantBaseUrl(origin: string, tenantId: string): string;
  setCodeTtlMs(ms: number): void;
  /** Issues a code as if the user had signed in; `codeChallengeMethod` defaults to S256 here. */
  issueCode(tenantId: string, userName: string, opts?: IssueCodeOptions): string;
  /** One entry per token request, without secrets, for assertions. */
  tokenRequests: MockIdpTokenRequest[];
};

/** `state` is accepted for symmetry with authorize but changes nothing: only the redirect carries it. */
export type IssueCodeOptions = { redirectUri?: string; codeChallenge?: string; codeChallengeMethod?: PkceMethod; state?: string };

const DEFAULT_CODE_TTL_MS = 60_000;
const DEFAULT_ACCESS_TOKEN_TTL_SEC = 7200;
const DEFAULT_REFRESH_TOKEN_TTL_SEC = 30 * 24 * 3600;

export function createMockIdp(opts: MockIdpOptions = {}): MockIdp {
  const state: State = {
    basePath: normalizeBasePath(opts.basePath ?? ""),
    tenants: new Map(),
    codeTtlMs: opts.codeTtlMs ?? DEFAULT_CODE_TTL_MS,
    accessTokenTtlSec: opts.accessTokenTtlSec ?? DEFAULT_ACCESS_TOKEN_TTL_SEC,
    refreshTokenTtlSec: opts.refreshTokenTtlSec ?? DEFAULT_REFRESH_TOKEN_TTL_SEC,
    codes: new Map(),
    accessTokens: new Map(),
    refreshTokens: new Map(),
    retiredRefreshTokens: new Map(),
    tickets: new Map(),
    sessions: new Map(),
    tokenRequests: [],
  };
  const initialTenants = opts.tenants ?? (opts.tenantsFile ? loadMockIdpTenants(opts.tenantsFile) : []);
  for (const tenant of initialTenants) upsertTenant(state, tenant);

  return {
    handle: (req, res) => handleMockIdpRequest(state, req, res),
    upsertTenant: (tenant) => upsertTenant(state, tenant),
    tenantBaseUrl: (origin, tenantId) => `${origin.replace(/\/+$/, "")}${state.basePath}/tenants/${encodeURIComponent(tenantId)}`,
    setCodeTtlMs: (ms) => {
      state.codeTtlMs = ms;
    },
    issueCode: (tenantId, userName, issueOpts = {}) => {
      const tenant = state.tenants.get(tenantId);
      if (!tenant) throw new Error(`mock-idp: unknown tenant ${tenantId}`);
      if (!findUser(tenant, userName)) throw new Error(`mock-idp: tenant ${tenantId} has no user ${userName}`);
      return issueCode(state, tenantId, userName, {
        redirectUri: issueOpts.redirectUri,
        codeChallenge: issueOpts.codeChallenge,
        codeChallengeMethod: issueOpts.codeChallengeMethod ?? "S256",
      });
    },
    tokenRequests: state.tokenRequests,
  };
}

export async function startMockIdp(opts: MockIdpOptions & { port?: number } = {}): Promise<MockIdp & { origin: string; close(): Promise<void> }> {
  const idp = createMockIdp(opts);
  const server = createServer((req, res) => {
    void idp.handle(req, res).then((handled) => {
      if (!handled) sendJson(res, 404, { error: "not_found" });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve, reject) => {
      server.close((err) => (err ? reject(err) : resolve()));
      // fetch keeps connections alive; without this close() waits for them to time out.
      server.closeAllConnections();
    });
  return Object.assign(idp, { origin: `http://127.0.0.1:${port}`, close });
}

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}
