// OAuth2: authorize (with PKCE), the token endpoint (authorization code and refresh
// grants) and userinfo.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { safeEqual } from "../../lib/koogallery/constant-time";
import { appendQuery, formDecode, isHttpUrl, readForm, redirect, sendJson } from "./http-io";
import { sendErrorPage } from "./pages";
import { refuse, type FlowStart } from "./sign-in";
import { pruneExpired, randomToken, type Ctx, type GrantRef, type PkceMethod, type State } from "./state";
import { findUser, type MockIdpTenant, type MockIdpUser } from "./tenants";

const UNAUTHORIZED_BODY = { error: "unauthorized", error_description: "Full authentication is required to access this resource" };

export function startAuthorize(ctx: Ctx, params: URLSearchParams): FlowStart {
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

// ---------------------------------------------------------------------------------------------
// Codes and tokens

export function issueCode(
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

// ---------------------------------------------------------------------------------------------
// Token endpoint

type TokenOutcome = { status: number; body: Record<string, unknown> };

const tokenError = (status: number, error: string, description: string): TokenOutcome => ({ status, body: { error, error_description: description } });
const invalidClient = () => tokenError(401, "invalid_client", "Bad client credentials");
const invalidGrant = (description: string) => tokenError(400, "invalid_grant", description);

export async function handleToken(ctx: Ctx): Promise<void> {
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
// Userinfo

export function handleUserinfo(ctx: Ctx): void {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(ctx.req.headers.authorization ?? "")?.[1];
  const record = token === undefined ? undefined : ctx.state.accessTokens.get(token);
  const valid = record !== undefined && record.tenantId === ctx.tenant.tenantId && Date.now() < record.expiresAt;
  const user = valid ? findUser(ctx.tenant, record.userName) : undefined;
  if (!user) return sendJson(ctx.res, 401, UNAUTHORIZED_BODY, { "WWW-Authenticate": 'Bearer realm="mock-idp"', "Cache-Control": "no-store" });
  sendJson(ctx.res, 200, userInfo(ctx.tenant, user), { "Cache-Control": "no-store" });
}

/** protocol:sso.md userinfo fields; absent optional fields are left out rather than sent empty. */
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
