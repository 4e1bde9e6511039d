// /api/sso/cas: the CAS 3.0 way in (protocol:sso.md). The ticket is validated for the
// exact service URL it was issued for; that URL carries a nonce that must match
// this browser's cookie (CAS has no `state`), so a ticket minted for someone
// else cannot sign this browser in. The session is next-auth's own JWT cookie,
// written with next-auth's encoder, so the rest of the portal cannot tell the
// two methods apart.
import type { NextRequest } from "next/server";
import { encode } from "next-auth/jwt";
import { getEnv } from "@/lib/env";
import { safeEqual } from "@/lib/koogallery/constant-time";
import { validateCasTicket } from "@/lib/koogallery/sso";
import { nowInSeconds, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-lifetime";
import { checkBuyerGrant, findSsoTenant } from "@/lib/auth/sso-tenant";
import { enterFromKooGallery, refusedUrl } from "@/lib/auth/handle-auth-request";
import { recordSignIn } from "@/lib/auth/record-sign-in";
import { CAS_CALLBACK_PATH } from "@/lib/auth/start-sso";
import {
  clearSsoCookie,
  isSecureUrl,
  readSsoCookie,
  redirectWithCookies,
  serializeCookie,
  SSO_CAS_NONCE_COOKIE,
  SSO_ENTRY_COOKIE,
} from "@/lib/auth/sso-cookies";

/** next-auth's session cookie name for our origin (the __Secure- prefix on https). */
export function sessionCookieName(publicUrl: string): string {
  return isSecureUrl(publicUrl) ? "__Secure-next-auth.session-token" : "next-auth.session-token";
}

/** The service URL exactly as the CAS server saw it: our callback with every parameter but `ticket`, in order. */
export function serviceUrlOf(publicUrl: string, rawSearch: string): string {
  const kept = rawSearch
    .replace(/^\?/, "")
    .split("&")
    .filter((part) => part !== "" && !part.startsWith("ticket="));
  return `${publicUrl}${CAS_CALLBACK_PATH}${kept.length ? `?${kept.join("&")}` : ""}`;
}

export async function finishCasSignIn(req: NextRequest): Promise<Response> {
  const env = getEnv();
  const secure = isSecureUrl(env.publicUrl);
  const params = req.nextUrl.searchParams;
  const tenantId = params.get("tenant")?.slice(0, 128) ?? "";
  const ticket = params.get("ticket") ?? "";
  const nonce = params.get("n");
  // A KooGallery entry (ticket without our nonce) restarts as our own flow.
  if (!nonce) return enterFromKooGallery(req, "cas");
  const cleared = [clearSsoCookie(SSO_CAS_NONCE_COOKIE, secure), clearSsoCookie(SSO_ENTRY_COOKIE, secure)];
  const refuse = async (reason: string, subject?: string) => {
    await recordSignIn({ method: "koogallery-cas", outcome: "refused", reason, subject, tenantId });
    return redirectWithCookies(`${env.publicUrl}${refusedUrl(reason, tenantId)}`, cleared);
  };

  const expected = readSsoCookie(req, SSO_CAS_NONCE_COOKIE, secure);
  if (!expected || !safeEqual(expected, nonce)) return refuse("no-state");
  if (!ticket) return refuse("cas-failed");
  const found = await findSsoTenant(tenantId);
  if (!found.ok) return refuse(found.reason);

  let result;
  try {
    result = await validateCasTicket(found.tenant.domainName, serviceUrlOf(env.publicUrl, req.nextUrl.search), ticket);
  } catch {
    return refuse("cas-failed");
  }
  if (!result.ok) return refuse("cas-failed");
  const user = result.user;
  if (user.tenant !== found.tenant.tenantId) return refuse("wrong-tenant", user.userName);
  const grant = await checkBuyerGrant(found.tenant.tenantId, user.userName);
  if (!grant.ok) return refuse(grant.reason, user.userName);

  const token = await encode({
    secret: env.auth.secret,
    maxAge: SESSION_MAX_AGE_SECONDS,
    token: {
      kind: "buyer",
      sub: `${user.tenant}:${user.userName}`,
      name: grant.name || user.name || user.userName,
      tenantId: user.tenant,
      userName: user.userName,
      role: grant.role,
      orgCode: grant.orgCode,
      signedInAt: nowInSeconds(),
    },
  });
  await recordSignIn({ method: "koogallery-cas", outcome: "ok", subject: user.userName, tenantId: user.tenant });
  return redirectWithCookies(`${env.publicUrl}/sso/continue`, [
    ...cleared,
    serializeCookie({ name: sessionCookieName(env.publicUrl), value: token, maxAge: SESSION_MAX_AGE_SECONDS }, secure),
  ]);
}
