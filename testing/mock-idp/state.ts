// The state shared by every endpoint: tenants, codes, tokens, tickets and sessions, all
// in memory, and the context of one request to one tenant's domain.
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { MockIdpTenant } from "./tenants";

export type MockIdpTokenRequest = {
  tenantId: string;
  grantType: string;
  clientId?: string;
  hadSecret: boolean;
  hadVerifier: boolean;
  ok: boolean;
  error?: string;
};

export type PkceMethod = "S256" | "plain";

/** Expired codes and tickets are kept a while so a late use is told "expired", not "invalid". */
const PRUNE_GRACE_MS = 5 * 60_000;

/** Codes, tokens and tickets all come from one sign-in; revoking the grant revokes them together. */
export type GrantRef = { grantId: string; tenantId: string; userName: string };
type CodeRecord = GrantRef & { redirectUri?: string; codeChallenge?: string; codeChallengeMethod: PkceMethod; expiresAt: number; used: boolean };
type TokenRecord = GrantRef & { clientId: string; expiresAt: number };
export type Session = { tenantId: string; userName: string; authenticatedAt: Date };
export type TicketRecord = {
  tenantId: string;
  userName: string;
  service: string;
  expiresAt: number;
  used: boolean;
  isFromNewLogin: boolean;
  authenticatedAt: Date;
};

export type State = {
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
export type Ctx = { state: State; tenant: MockIdpTenant; req: IncomingMessage; res: ServerResponse; url: URL; tenantPath: string };

export function upsertTenant(state: State, tenant: MockIdpTenant): void {
  // A copy, so a caller changing its object later does not change the IdP behind our back.
  state.tenants.set(tenant.tenantId, structuredClone(tenant));
}

export function pruneExpired(state: State): void {
  const cutoff = Date.now() - PRUNE_GRACE_MS;
  for (const records of [state.codes, state.tickets, state.accessTokens, state.refreshTokens] as Map<string, { expiresAt: number }>[]) {
    for (const [key, record] of records) if (record.expiresAt < cutoff) records.delete(key);
  }
}

export function randomToken(): string {
  return randomBytes(24).toString("base64url");
}
