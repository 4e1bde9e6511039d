// What a buyer's session token says about how it was signed in, and when it
// should refresh its KooGallery access token.
import type { JWT } from "next-auth/jwt";
import type { SignInRecord } from "@/lib/auth/record-sign-in";

/** Refresh a little before KooGallery's access token expires (2 h by default). */
export const REFRESH_MARGIN_SECONDS = 60;

/**
 * An OAuth sign-in leaves KooGallery's access token in the session; a CAS
 * sign-in (lib/auth/finish-cas-sign-in.ts) leaves none, since a validated
 * ticket yields no token.
 */
export function buyerSignInMethod(token: JWT): Extract<SignInRecord["method"], "koogallery-oauth" | "koogallery-cas"> {
  return token.accessToken ? "koogallery-oauth" : "koogallery-cas";
}

/**
 * Only a session holding an access token has one to refresh. A CAS session
 * lives for the session's own lifetime: treating its missing expiry as
 * "expired" would sign the user out on the first /api/auth/session read.
 */
export function shouldRefreshBuyerToken(token: JWT, nowSeconds: number): boolean {
  if (token.kind !== "buyer" || token.error || buyerSignInMethod(token) !== "koogallery-oauth") return false;
  return (token.accessTokenExpiresAt ?? 0) - REFRESH_MARGIN_SECONDS < nowSeconds;
}
