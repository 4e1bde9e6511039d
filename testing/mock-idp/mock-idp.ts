// An offline stand-in for the KooGallery (OneAccess-like) identity provider of SPEC §5:
// OAuth2 authorization code (with PKCE), refresh, userinfo, logout, CAS 3.0 and the
// IdP-initiated unified login. Every tenant gets its own "domain" under
// `{basePath}/tenants/{tenantId}`, the way each KooGallery tenant has its own domainName.
// Pure node:http and in-memory state: tests start it on a random port, the demo mounts
// it under `/mock-idp` in the portal's own server.
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { safeEqual } from "../../lib/koogallery/constant-time";

export type MockIdpUser = {
  userName: string;
  name: string;
  role: "admin" | "user";
  orgCode: string;
  organizationName?: string;
  email?: string;
  mobile?: string;
  password?: string;
};

export type MockIdpTenant = { tenantId: string; clientId: string; clientSecret: string; projectName?: string; users: MockIdpUser[] };

export type MockIdpOptions = {
  /** Where the mock is mounted, e.g. "/mock-idp"; default "" (the whole server). */
  basePath?: string;
  tenants?: MockIdpTenant[];
  /** Read with loadMockIdpTenants when `tenants` is absent. */
  tenantsFile?: string;
  /** Lifetime of authorization codes and CAS tickets; default 60 s. */
  codeTtlMs?: number;
  /** Default 7200 (SPEC §5: access tokens last 2 h). */
  accessTokenTtlSec?: number;
  /** Default 30 days (SPEC §5). */
  refreshTokenTtlSec?: number;
};

export type MockIdpTokenRequest = {
  tenantId: string;
  grantType: string;
  clientId?: string;
  hadSecret: boolean;
  hadVerifier: boolean;
  ok: boolean;
  error?: string;
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

type PkceMethod = "S256" | "plain";

const DEFAULT_CODE_TTL_MS = 60_000;
const DEFAULT_ACCESS_TOKEN_TTL_SEC = 7200;
const DEFAULT_REFRESH_TOKEN_TTL_SEC = 30 * 24 * 3600;
const MAX_FORM_BYTES = 64 * 1024;
/** Past this we stop draining an oversize body and let the connection go. */
const MAX_DRAIN_BYTES = 1024 * 1024;
/** Expired codes and tickets are kept a while so a late use is told "expired", not "invalid". */
const PRUNE_GRACE_MS = 5 * 60_000;
const CAS_NAMESPACE = "http://www.yale.edu/tp/cas";
const SIGN_IN_ERROR = "Unknown account or wrong password";
const UNAUTHORIZED_BODY = { error: "unauthorized", error_description: "Full authentication is required to access this resource" };

/** Codes, tokens and tickets all come from one sign-in; revoking the grant revokes them together. */
type GrantRef = { grantId: string; tenantId: string; userName: string };
type CodeRecord = GrantRef & { redirectUri?: string; codeChallenge?: string; codeChallengeMethod: PkceMethod; expiresAt: number; used: boolean };
type TokenRecord = GrantRef & { clientId: string; expiresAt: number };
type Session = { tenantId: string; userName: string; authenticatedAt: Date };
type TicketRecord = { tenantId: string; userName: string; service: string; expiresAt: number; used: boolean; isFromNewLogin: boolean; authenticatedAt: Date };

type State = {
  basePath: string;
  tenants: Map<string, MockIdpTenant>;
  codeTtlMs: number;
  accessTokenTtlSec: number;
  refreshTokenTtlSec: number;
  codes: Map<string, CodeRecord>;
  accessTokens: Map<string, TokenRecord>;
  refreshTokens: Map<string, TokenRecord>;
  /** Rotated-out refresh tokens → their grant, so a replay revokes the grant (OAuth security BCP). */
  retiredRefreshTokens: Map<string, string>;
  tickets: Map<string, TicketRecord>;
  sessions: Map<string, Session>;
  tokenRequests: MockIdpTokenRequest[];
};

/** One request to one tenant's domain. */
type Ctx = { state: State; tenant: MockIdpTenant; req: IncomingMessage; res: ServerResponse; url: URL; tenantPath: string };

// ---------------------------------------------------------------------------------------------
// Construction

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
    handle: (req, res) => handle(state, req, res),
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

/** Reads a JSON array of MockIdpTenant, refusing (with the file and entry named) anything else. */
export function loadMockIdpTenants(file: string): MockIdpTenant[] {
  const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
  if (!Array.isArray(parsed)) throw new Error(`mock-idp: ${file} must hold a JSON array of tenants`);
  return parsed.map((entry, i) => {
    const problem = tenantProblem(entry);
    if (problem) throw new Error(`mock-idp: ${file} tenant #${i}: ${problem}`);
    return entry as MockIdpTenant;
  });
}

function tenantProblem(entry: unknown): string | undefined {
  if (!isRecord(entry)) return "not an object";
  for (const key of ["tenantId", "clientId", "clientSecret"]) if (!isNonEmptyString(entry[key])) return `${key} must be a non-empty string`;
  if (entry.projectName !== undefined && typeof entry.projectName !== "string") return "projectName must be a string";
  if (!Array.isArray(entry.users)) return "users must be an array";
  for (const [j, user] of entry.users.entries()) {
    const userProblem = userProblemOf(user);
    if (userProblem) return `user #${j}: ${userProblem}`;
  }
  return undefined;
}

function userProblemOf(user: unknown): string | undefined {
  if (!isRecord(user)) return "not an object";
  for (const key of ["userName", "name", "orgCode"]) if (!isNonEmptyString(user[key])) return `${key} must be a non-empty string`;
  if (user.role !== "admin" && user.role !== "user") return 'role must be "admin" or "user"';
  for (const key of ["organizationName", "email", "mobile", "password"])
    if (user[key] !== undefined && typeof user[key] !== "string") return `${key} must be a string`;
  return undefined;
}

function upsertTenant(state: State, tenant: MockIdpTenant): void {
  // A copy, so a caller changing its object later does not change the IdP behind our back.
  state.tenants.set(tenant.tenantId, structuredClone(tenant));
}

function normalizeBasePath(basePath: string): string {
  const trimmed = basePath.replace(/\/+$/, "");
  return trimmed === "" || trimmed.startsWith("/") ? trimmed : `/${trimmed}`;
}

// ---------------------------------------------------------------------------------------------
// Routing

async function handle(state: State, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
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

// ---------------------------------------------------------------------------------------------
// Interactive flows: authorize, CAS login and unified login share the sign-in page

type SignIn = { user: MockIdpUser; authenticatedAt: Date; isFromNewLogin: boolean };
/** A flow checks its parameters before anyone signs in, then says where the browser goes after. */
type FlowStart = { ok: true; finish: (signIn: SignIn) => string } | { ok: false; answer: () => void };
type StartFlow = (ctx: Ctx, params: URLSearchParams) => FlowStart;

const refuse = (answer: () => void): FlowStart => ({ ok: false, answer });

/**
 * GET shows the sign-in page (or, with a session, goes straight on). The page posts back to
 * the same path with the original query as hidden fields, so the POST re-runs the same checks
 * on the same parameters and the path alone says which flow continues.
 */
async function runInteractiveFlow(ctx: Ctx, startFlow: StartFlow): Promise<void> {
  if (ctx.req.method === "GET") {
    const params = ctx.url.searchParams;
    const start = startFlow(ctx, params);
    if (!start.ok) return start.answer();
    const session = currentSession(ctx);
    const user = session && findUser(ctx.tenant, session.userName);
    if (session && user) return redirect(ctx.res, start.finish({ user, authenticatedAt: session.authenticatedAt, isFromNewLogin: false }));
    return sendLoginPage(ctx, params, {});
  }
  if (ctx.req.method === "POST") {
    const read = await readForm(ctx.req);
    if (!read.ok) return sendErrorPage(ctx.res, read.status, "invalid_request", read.reason);
    const params = withoutCredentials(read.form);
    const start = startFlow(ctx, params);
    if (!start.ok) return start.answer();
    const userName = read.form.get("userName") ?? "";
    const user = authenticateUser(ctx.tenant, userName, read.form.get("password") ?? "");
    if (!user) return sendLoginPage(ctx, params, { error: SIGN_IN_ERROR, userName });
    const session = startSession(ctx, user);
    return redirect(ctx.res, start.finish({ user, authenticatedAt: session.authenticatedAt, isFromNewLogin: true }));
  }
  return sendMethodNotAllowed(ctx.res, "GET, POST");
}

function withoutCredentials(form: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(form);
  params.delete("userName");
  params.delete("password");
  return params;
}

function startAuthorize(ctx: Ctx, params: URLSearchParams): FlowStart {
  const clientId = params.get("client_id");
  if (!clientId || !safeEqual(clientId, ctx.tenant.clientId)) {
    return refuse(() => sendErrorPage(ctx.res, 400, "invalid_client", "This client_id does not belong to this tenant."));
  }
  const redirectUri = params.get("redirect_uri");
  // Without a usable redirect_uri there is nowhere to send errors, so they get a page (RFC 6749 §4.1.2.1).
  if (!redirectUri || !isHttpUrl(redirectUri)) {
    return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "redirect_uri must be an absolute http(s) URL."));
  }
  const state = params.get("state");
  const back = (fields: Record<string, string>) => appendQuery(redirectUri, state === null ? fields : { ...fields, state });
  if (params.get("response_type") !== "code") return refuse(() => redirect(ctx.res, back({ error: "unsupported_response_type" })));
  const codeChallenge = params.get("code_challenge") || undefined;
  // RFC 7636 §4.3: without a method the challenge is "plain".
  const method = params.get("code_challenge_method") ?? "plain";
  if (codeChallenge && method !== "S256" && method !== "plain") {
    return refuse(() => redirect(ctx.res, back({ error: "invalid_request", error_description: "code_challenge_method must be S256 or plain" })));
  }
  return {
    ok: true,
    finish: ({ user }) =>
      back({ code: issueCode(ctx.state, ctx.tenant.tenantId, user.userName, { redirectUri, codeChallenge, codeChallengeMethod: method as PkceMethod }) }),
  };
}

function startCasLogin(ctx: Ctx, params: URLSearchParams): FlowStart {
  const service = params.get("service");
  if (!service || !isHttpUrl(service)) return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "service must be an absolute http(s) URL."));
  return { ok: true, finish: (signIn) => appendQuery(service, { ticket: issueTicket(ctx, signIn, service) }) };
}

/** KooGallery's unified login page: the IdP starts, and the app login address receives `tenant` too. */
function startUnifiedLogin(ctx: Ctx, params: URLSearchParams): FlowStart {
  const appLoginUrl = params.get("app_login_url");
  if (!appLoginUrl || !isHttpUrl(appLoginUrl)) {
    return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "app_login_url must be an absolute http(s) URL."));
  }
  const tenant = ctx.tenant.tenantId;
  const method = params.get("method") ?? "oauth";
  if (method === "oauth") {
    return {
      ok: true,
      finish: ({ user }) => appendQuery(appLoginUrl, { code: issueCode(ctx.state, tenant, user.userName, { codeChallengeMethod: "plain" }), tenant }),
    };
  }
  if (method === "cas") {
    // The service is what the portal will see minus the ticket (browsers never send the fragment).
    const service = appendQuery(withoutFragment(appLoginUrl), { tenant });
    return { ok: true, finish: (signIn) => appendQuery(appLoginUrl, { ticket: issueTicket(ctx, signIn, service), tenant }) };
  }
  return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "method must be oauth or cas."));
}

function authenticateUser(tenant: MockIdpTenant, userName: string, password: string): MockIdpUser | undefined {
  const user = findUser(tenant, userName);
  if (!user) return undefined;
  // Users without a configured password sign in with anything: handy for demos.
  if (user.password === undefined) return user;
  return safeEqual(password, user.password) ? user : undefined;
}

function findUser(tenant: MockIdpTenant, userName: string): MockIdpUser | undefined {
  return tenant.users.find((u) => u.userName === userName);
}

// ---------------------------------------------------------------------------------------------
// Sessions (one cookie per tenant, so tenants sign in independently like separate domains)

function sessionCookieName(tenantId: string): string {
  return `mockidp_${createHash("sha256").update(tenantId).digest("hex").slice(0, 16)}`;
}

function sessionCookie(ctx: Ctx, value: string, maxAgeSec?: number): string {
  const maxAge = maxAgeSec === undefined ? "" : `; Max-Age=${maxAgeSec}`;
  return `${sessionCookieName(ctx.tenant.tenantId)}=${value}; Path=${ctx.state.basePath || "/"}; HttpOnly; SameSite=Lax${maxAge}`;
}

function currentSession(ctx: Ctx): Session | undefined {
  const id = readCookie(ctx.req, sessionCookieName(ctx.tenant.tenantId));
  const session = id === undefined ? undefined : ctx.state.sessions.get(id);
  return session?.tenantId === ctx.tenant.tenantId ? session : undefined;
}

function startSession(ctx: Ctx, user: MockIdpUser): Session {
  const id = randomToken();
  const session: Session = { tenantId: ctx.tenant.tenantId, userName: user.userName, authenticatedAt: new Date() };
  ctx.state.sessions.set(id, session);
  ctx.res.setHeader("Set-Cookie", sessionCookie(ctx, id));
  return session;
}

function endSession(ctx: Ctx): void {
  const id = readCookie(ctx.req, sessionCookieName(ctx.tenant.tenantId));
  if (id !== undefined) ctx.state.sessions.delete(id);
  ctx.res.setHeader("Set-Cookie", sessionCookie(ctx, "", 0));
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Codes, tokens, tickets

function issueCode(
  state: State,
  tenantId: string,
  userName: string,
  binding: { redirectUri?: string; codeChallenge?: string; codeChallengeMethod: PkceMethod },
): string {
  pruneExpired(state);
  const code = randomToken();
  state.codes.set(code, {
    grantId: randomToken(),
    tenantId,
    userName,
    redirectUri: binding.redirectUri,
    codeChallenge: binding.codeChallenge,
    codeChallengeMethod: binding.codeChallengeMethod,
    expiresAt: Date.now() + state.codeTtlMs,
    used: false,
  });
  return code;
}

function issueTicket(ctx: Ctx, signIn: SignIn, service: string): string {
  pruneExpired(ctx.state);
  const ticket = `ST-${randomToken()}`;
  ctx.state.tickets.set(ticket, {
    tenantId: ctx.tenant.tenantId,
    userName: signIn.user.userName,
    service,
    expiresAt: Date.now() + ctx.state.codeTtlMs,
    used: false,
    isFromNewLogin: signIn.isFromNewLogin,
    authenticatedAt: signIn.authenticatedAt,
  });
  return ticket;
}

function issueTokens(state: State, grant: GrantRef, clientId: string): TokenOutcome {
  const now = Date.now();
  const accessToken = randomToken();
  const refreshToken = randomToken();
  const ref = { grantId: grant.grantId, tenantId: grant.tenantId, userName: grant.userName, clientId };
  state.accessTokens.set(accessToken, { ...ref, expiresAt: now + state.accessTokenTtlSec * 1000 });
  state.refreshTokens.set(refreshToken, { ...ref, expiresAt: now + state.refreshTokenTtlSec * 1000 });
  return {
    status: 200,
    body: { access_token: accessToken, token_type: "Bearer", expires_in: state.accessTokenTtlSec, scope: "get_user_info", refresh_token: refreshToken },
  };
}

/** RFC 6749 §4.1.2: a replayed code revokes what it already bought. */
function revokeGrant(state: State, grantId: string): void {
  for (const tokens of [state.accessTokens, state.refreshTokens]) {
    for (const [token, record] of tokens) if (record.grantId === grantId) tokens.delete(token);
  }
}

function pruneExpired(state: State): void {
  const cutoff = Date.now() - PRUNE_GRACE_MS;
  for (const records of [state.codes, state.tickets, state.accessTokens, state.refreshTokens] as Map<string, { expiresAt: number }>[]) {
    for (const [key, record] of records) if (record.expiresAt < cutoff) records.delete(key);
  }
}

function randomToken(): string {
  return randomBytes(24).toString("base64url");
}

// ---------------------------------------------------------------------------------------------
// Token endpoint

type TokenOutcome = { status: number; body: Record<string, unknown> };

const tokenError = (status: number, error: string, description: string): TokenOutcome => ({ status, body: { error, error_description: description } });
const invalidClient = () => tokenError(401, "invalid_client", "Bad client credentials");
const invalidGrant = (description: string) => tokenError(400, "invalid_grant", description);

async function handleToken(ctx: Ctx): Promise<void> {
  const read = await readForm(ctx.req);
  const form = read.ok ? read.form : new URLSearchParams();
  const client = readClientCredentials(ctx.req, form);
  const grantType = form.get("grant_type") ?? "";
  const outcome = read.ok ? runTokenRequest(ctx, form, client, grantType) : tokenError(400, "invalid_request", read.reason);
  const error = outcome.body.error;
  ctx.state.tokenRequests.push({
    tenantId: ctx.tenant.tenantId,
    grantType,
    ...(client.clientId === undefined ? {} : { clientId: client.clientId }),
    hadSecret: client.secretCandidates.some((s) => s !== ""),
    hadVerifier: form.has("code_verifier"),
    ok: outcome.status === 200,
    ...(typeof error === "string" ? { error } : {}),
  });
  const headers: Record<string, string> = { "Cache-Control": "no-store", Pragma: "no-cache" };
  if (outcome.status === 401) headers["WWW-Authenticate"] = 'Basic realm="mock-idp"';
  sendJson(ctx.res, outcome.status, outcome.body, headers);
}

function runTokenRequest(ctx: Ctx, form: URLSearchParams, client: ClientCredentials, grantType: string): TokenOutcome {
  if (!isClientOfTenant(ctx.tenant, client)) return invalidClient();
  if (grantType === "authorization_code") return exchangeCode(ctx, form, ctx.tenant.clientId);
  if (grantType === "refresh_token") return exchangeRefreshToken(ctx, form, ctx.tenant.clientId);
  if (grantType === "") return tokenError(400, "invalid_request", "grant_type is required");
  return tokenError(400, "unsupported_grant_type", `Unsupported grant type: ${grantType}`);
}

/** Several secret spellings, because RFC 6749 §2.3.1 form-encodes Basic credentials and many clients don't. */
type ClientCredentials = { clientId?: string; secretCandidates: string[]; conflicting: boolean };

function readClientCredentials(req: IncomingMessage, form: URLSearchParams): ClientCredentials {
  const formClientId = form.get("client_id") ?? undefined;
  const basic = readBasicCredentials(req.headers.authorization);
  if (basic) {
    const conflicting = formClientId !== undefined && !basic.idCandidates.includes(formClientId);
    return { clientId: basic.idCandidates[0], secretCandidates: basic.secretCandidates, conflicting };
  }
  const secret = form.get("client_secret");
  return { clientId: formClientId, secretCandidates: secret === null ? [] : [secret], conflicting: false };
}

function readBasicCredentials(header: string | undefined): { idCandidates: string[]; secretCandidates: string[] } | undefined {
  const encoded = /^Basic\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return { idCandidates: [decoded], secretCandidates: [] };
  const spellings = (raw: string) => [...new Set([formDecode(raw), raw].filter((s): s is string => s !== undefined))];
  return { idCandidates: spellings(decoded.slice(0, colon)), secretCandidates: spellings(decoded.slice(colon + 1)) };
}

function isClientOfTenant(tenant: MockIdpTenant, client: ClientCredentials): boolean {
  if (client.conflicting || client.clientId === undefined) return false;
  if (!safeEqual(client.clientId, tenant.clientId)) return false;
  return client.secretCandidates.some((secret) => safeEqual(secret, tenant.clientSecret));
}

function exchangeCode(ctx: Ctx, form: URLSearchParams, clientId: string): TokenOutcome {
  const code = form.get("code");
  if (!code) return tokenError(400, "invalid_request", "code is required");
  const record = ctx.state.codes.get(code);
  if (!record || record.tenantId !== ctx.tenant.tenantId) return invalidGrant("Invalid authorization code");
  if (record.used) {
    revokeGrant(ctx.state, record.grantId);
    return invalidGrant("Authorization code already used");
  }
  // Any attempt spends the code, so a wrong verifier cannot be retried until one fits.
  record.used = true;
  if (Date.now() >= record.expiresAt) return invalidGrant("Authorization code expired");
  if (record.redirectUri !== undefined && form.get("redirect_uri") !== record.redirectUri) return invalidGrant("Redirect URI mismatch");
  // A verifier sent for a code issued without a challenge is ignored, as lenient servers do.
  if (record.codeChallenge !== undefined && !verifyPkce(record.codeChallenge, record.codeChallengeMethod, form.get("code_verifier"))) {
    return invalidGrant("PKCE verification failed");
  }
  return issueTokens(ctx.state, record, clientId);
}

function verifyPkce(challenge: string, method: PkceMethod, verifier: string | null): boolean {
  // RFC 7636 §4.1: 43–128 unreserved characters.
  if (verifier === null || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const expected = method === "S256" ? createHash("sha256").update(verifier, "ascii").digest("base64url") : verifier;
  return safeEqual(expected, challenge);
}

function exchangeRefreshToken(ctx: Ctx, form: URLSearchParams, clientId: string): TokenOutcome {
  const token = form.get("refresh_token");
  if (!token) return tokenError(400, "invalid_request", "refresh_token is required");
  const retiredGrant = ctx.state.retiredRefreshTokens.get(token);
  if (retiredGrant !== undefined) {
    revokeGrant(ctx.state, retiredGrant);
    return invalidGrant("Refresh token already used");
  }
  const record = ctx.state.refreshTokens.get(token);
  if (!record || record.tenantId !== ctx.tenant.tenantId || record.clientId !== clientId) return invalidGrant("Invalid refresh token");
  ctx.state.refreshTokens.delete(token);
  if (Date.now() >= record.expiresAt) return invalidGrant("Refresh token expired");
  ctx.state.retiredRefreshTokens.set(token, record.grantId);
  return issueTokens(ctx.state, record, clientId);
}

// ---------------------------------------------------------------------------------------------
// Userinfo and logout

function handleUserinfo(ctx: Ctx): void {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(ctx.req.headers.authorization ?? "")?.[1];
  const record = token === undefined ? undefined : ctx.state.accessTokens.get(token);
  const valid = record !== undefined && record.tenantId === ctx.tenant.tenantId && Date.now() < record.expiresAt;
  const user = valid ? findUser(ctx.tenant, record.userName) : undefined;
  if (!user) return sendJson(ctx.res, 401, UNAUTHORIZED_BODY, { "WWW-Authenticate": 'Bearer realm="mock-idp"', "Cache-Control": "no-store" });
  sendJson(ctx.res, 200, userInfo(ctx.tenant, user), { "Cache-Control": "no-store" });
}

/** SPEC §5 userinfo fields; absent optional fields are left out rather than sent empty. */
function userInfo(tenant: MockIdpTenant, user: MockIdpUser): Record<string, string> {
  const id = stableUserId(tenant.tenantId, user.userName);
  const info: Record<string, string> = { id, userId: id, userName: user.userName, name: user.name };
  if (user.email !== undefined) info.email = user.email;
  if (user.mobile !== undefined) info.mobile = user.mobile;
  info.role = user.role;
  if (user.organizationName !== undefined) info.organizationName = user.organizationName;
  info.organizationCode = user.orgCode;
  if (tenant.projectName !== undefined) info.projectName = tenant.projectName;
  info.tenant = tenant.tenantId;
  return info;
}

/** The same user gets the same id across restarts, as a real directory would give. */
function stableUserId(tenantId: string, userName: string): string {
  return createHash("sha256").update(`${tenantId}\u0000${userName}`).digest("hex").slice(0, 32);
}

function handleLogout(ctx: Ctx): void {
  endSession(ctx);
  const target = ctx.url.searchParams.get("redirect_url");
  if (target && isHttpUrl(target)) return redirect(ctx.res, target);
  sendPage(ctx.res, 200, "Signed out", "<h1>Signed out</h1><p>You are signed out of KooGallery (mock).</p>");
}

// ---------------------------------------------------------------------------------------------
// CAS 3.0 serviceValidate

type CasOutcome = { ok: true; user: MockIdpUser; ticket: TicketRecord } | { ok: false; code: string; description: string };

function handleServiceValidate(ctx: Ctx): void {
  const params = ctx.url.searchParams;
  const outcome = validateTicket(ctx, params.get("service"), params.get("ticket"));
  // SPEC §5: JSON unless XML is asked for.
  if ((params.get("format") ?? "JSON").toUpperCase() === "XML") return sendXml(ctx.res, casXml(ctx.tenant, outcome));
  sendJson(ctx.res, 200, casJson(ctx.tenant, outcome));
}

function validateTicket(ctx: Ctx, service: string | null, ticket: string | null): CasOutcome {
  if (!service || !ticket) return { ok: false, code: "INVALID_REQUEST", description: "'service' and 'ticket' parameters are both required" };
  const record = ctx.state.tickets.get(ticket);
  const notRecognized = { ok: false as const, code: "INVALID_TICKET", description: `Ticket ${ticket} not recognized` };
  if (!record || record.tenantId !== ctx.tenant.tenantId || record.used) return notRecognized;
  // CAS 3.0 §2.5.3: a ticket is spent by any validation attempt, a mismatched service included.
  record.used = true;
  if (Date.now() >= record.expiresAt) return { ok: false, code: "INVALID_TICKET", description: `Ticket ${ticket} expired` };
  if (service !== record.service) {
    return {
      ok: false,
      code: "INVALID_SERVICE",
      description: `Ticket ${ticket} does not match supplied service. The original service was '${record.service}' and the supplied service was '${service}'.`,
    };
  }
  const user = findUser(ctx.tenant, record.userName);
  return user ? { ok: true, user, ticket: record } : notRecognized;
}

function casAttributes(tenant: MockIdpTenant, user: MockIdpUser, ticket: TicketRecord) {
  return {
    authenticationDate: ticket.authenticatedAt.toISOString(),
    longTermAuthenticationRequestTokenUsed: false,
    isFromNewLogin: ticket.isFromNewLogin,
    role: user.role,
    organizationCode: user.orgCode,
    name: user.name,
    userName: user.userName,
    tenant: tenant.tenantId,
  };
}

function casJson(tenant: MockIdpTenant, outcome: CasOutcome): unknown {
  if (!outcome.ok) return { serviceResponse: { authenticationFailure: { code: outcome.code, description: outcome.description } } };
  return { serviceResponse: { authenticationSuccess: { user: outcome.user.userName, attributes: casAttributes(tenant, outcome.user, outcome.ticket) } } };
}

/** Byte for byte the SPEC §5 shape: no declaration, no whitespace between elements. */
function casXml(tenant: MockIdpTenant, outcome: CasOutcome): string {
  const inner = outcome.ok
    ? `<cas:authenticationSuccess><cas:user>${escapeXml(outcome.user.userName)}</cas:user><cas:attributes>${Object.entries(
        casAttributes(tenant, outcome.user, outcome.ticket),
      )
        .map(([key, value]) => `<cas:${key}>${escapeXml(String(value))}</cas:${key}>`)
        .join("")}</cas:attributes></cas:authenticationSuccess>`
    : `<cas:authenticationFailure code="${escapeXml(outcome.code)}">${escapeXml(outcome.description)}</cas:authenticationFailure>`;
  return `<cas:serviceResponse xmlns:cas="${CAS_NAMESPACE}">${inner}</cas:serviceResponse>`;
}

// ---------------------------------------------------------------------------------------------
// Pages

function sendLoginPage(ctx: Ctx, params: URLSearchParams, shown: { error?: string; userName?: string }): void {
  const hidden = [...params].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join("\n      ");
  const error = shown.error ? `<p role="alert" class="error">${escapeHtml(shown.error)}</p>` : "";
  const tenantLabel = ctx.tenant.projectName ? `${ctx.tenant.projectName} (${ctx.tenant.tenantId})` : ctx.tenant.tenantId;
  const body = `<h1>KooGallery mock sign-in</h1>
    <p>Tenant: ${escapeHtml(tenantLabel)}</p>
    ${error}
    <form method="post" action="${escapeHtml(ctx.url.pathname)}">
      ${hidden}
      <p><label for="userName">Account</label><br><input id="userName" name="userName" type="text" autocomplete="username" required autofocus value="${escapeHtml(shown.userName ?? "")}"></p>
      <p><label for="password">Password</label><br><input id="password" name="password" type="password" autocomplete="current-password"></p>
      <p><button type="submit">Sign in</button></p>
    </form>
    <section aria-labelledby="hints"><h2 id="hints">Accounts of this tenant</h2>${userHints(ctx.tenant)}</section>`;
  sendPage(ctx.res, 200, "KooGallery mock sign-in", body);
}

/** Passwords are never shown, only whether one is needed. */
function userHints(tenant: MockIdpTenant): string {
  if (tenant.users.length === 0) return "<p>No accounts are configured.</p>";
  const items = tenant.users.map((u) => {
    const password = u.password === undefined ? "any password" : "password required";
    return `<li><code>${escapeHtml(u.userName)}</code> — ${escapeHtml(u.name)} (${escapeHtml(u.role)}, organization ${escapeHtml(u.orgCode)}; ${password})</li>`;
  });
  return `<ul>${items.join("")}</ul>`;
}

function sendErrorPage(res: ServerResponse, status: number, error: string, description: string): void {
  sendPage(res, status, `KooGallery mock: ${error}`, `<h1>${escapeHtml(error)}</h1><p>${escapeHtml(description)}</p>`);
}

function sendPage(res: ServerResponse, status: number, title: string, body: string): void {
  const html = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)}</title>
  <style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;line-height:1.5}.error{color:#a00000;font-weight:600}input{font-size:1rem;padding:.3rem}</style>
</head>
<body>
  <main>
    ${body}
  </main>
</body>
</html>
`;
  res.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    // No form-action: browsers apply it to the redirect after sign-in, which goes to the app.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
  });
  res.end(html);
}

// ---------------------------------------------------------------------------------------------
// HTTP helpers

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}

function sendXml(res: ServerResponse, xml: string): void {
  res.writeHead(200, { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "no-store" });
  res.end(xml);
}

function redirect(res: ServerResponse, location: string): void {
  res.writeHead(302, { Location: location, "Cache-Control": "no-store" });
  res.end();
}

function sendMethodNotAllowed(res: ServerResponse, allow: string): void {
  sendJson(res, 405, { error: "method_not_allowed" }, { Allow: allow });
}

type FormRead = { ok: true; form: URLSearchParams } | { ok: false; status: 400 | 413; reason: string };

/** Form bodies up to MAX_FORM_BYTES; a larger one is drained (up to a point) so the client reads our answer. */
async function readForm(req: IncomingMessage): Promise<FormRead> {
  const type = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    req.resume();
    return { ok: false, status: 400, reason: "Content-Type must be application/x-www-form-urlencoded" };
  }
  const kept: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= MAX_FORM_BYTES) kept.push(chunk);
    else if (size > MAX_DRAIN_BYTES) break;
  }
  if (size > MAX_FORM_BYTES) return { ok: false, status: 413, reason: "Request body too large" };
  return { ok: true, form: new URLSearchParams(Buffer.concat(kept).toString("utf8")) };
}

/**
 * Appends query fields to a URL as text, keeping the rest byte for byte: CAS compares the
 * service string exactly, and URL re-serialization could change it.
 */
function appendQuery(url: string, fields: Record<string, string>): string {
  const hashAt = url.indexOf("#");
  const [base, fragment] = hashAt < 0 ? [url, ""] : [url.slice(0, hashAt), url.slice(hashAt)];
  const query = Object.entries(fields)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");
  const separator = !base.includes("?") ? "?" : base.endsWith("?") || base.endsWith("&") ? "" : "&";
  return `${base}${separator}${query}${fragment}`;
}

function withoutFragment(url: string): string {
  const hashAt = url.indexOf("#");
  return hashAt < 0 ? url : url.slice(0, hashAt);
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "http:" || protocol === "https:";
  } catch {
    return false;
  }
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function formDecode(value: string): string | undefined {
  return safeDecode(value.replace(/\+/g, " "));
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value !== "";
}
