// When a buyer's session should refresh its KooGallery access token.
import type { JWT } from "next-auth/jwt";

/** Refresh a little before KooGallery's access token expires (2 h by default). */
export const REFRESH_MARGIN_SECONDS = 60;

/**
 * Only an OAuth session holds a KooGallery access token to refresh. A CAS
 * session holds none (a validated ticket yields no token): it lives for the
 * session's own lifetime, and treating its missing expiry as "expired" would
 * sign the user out on the first /api/auth/session read.
 */
export function shouldRefreshBuyerToken(token: JWT, nowSeconds: number): boolean {
  if (token.kind !== "buyer" || token.error || !token.accessToken) return false;
  return (token.accessTokenExpiresAt ?? 0) - REFRESH_MARGIN_SECONDS < nowSeconds;
}
