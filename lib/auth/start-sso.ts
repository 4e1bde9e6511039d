// Starting a buyer's sign-in for a tenant (our login page, a per-tenant link,
// or a KooGallery entry we restart): OAuth goes through next-auth's sign-in
// (/sso/go posts it with next-auth's CSRF token); CAS goes straight to the
// tenant's CAS login with a nonce bound to this browser in the service URL.
import { randomBytes } from "node:crypto";
import { getEnv } from "@/lib/env";
import { endpointsOf } from "@/lib/koogallery/sso";
import { findSsoTenant } from "@/lib/auth/sso-tenant";
import { refusedUrl } from "@/lib/auth/handle-auth-request";
import { safeCallbackPath } from "@/lib/auth/safe-redirect";
import { isSecureUrl, redirectWithCookies, serializeSsoCookie, SSO_CAS_NONCE_COOKIE, SSO_TENANT_COOKIE } from "@/lib/auth/sso-cookies";

/** How long a started sign-in may take at KooGallery before our cookies lapse. */
const START_COOKIE_SECONDS = 15 * 60;
export const CAS_CALLBACK_PATH = "/api/sso/cas";

export function casServiceUrl(tenantId: string, nonce: string): string {
  return `${getEnv().publicUrl}${CAS_CALLBACK_PATH}?${new URLSearchParams({ tenant: tenantId, n: nonce })}`;
}

export async function startSso(tenantRef: string | null, callbackUrl: string | null): Promise<Response> {
  const env = getEnv();
  const secure = isSecureUrl(env.publicUrl);
  const found = await findSsoTenant(tenantRef ?? "");
  if (!found.ok) return redirectWithCookies(`${env.publicUrl}${refusedUrl(found.reason, tenantRef)}`);
  const { tenant } = found;
  if (env.auth.ssoMethod === "cas") {
    const nonce = randomBytes(18).toString("base64url");
    const login = `${endpointsOf(tenant.domainName).casLogin}?service=${encodeURIComponent(casServiceUrl(tenant.tenantId, nonce))}`;
    return redirectWithCookies(login, [serializeSsoCookie(SSO_CAS_NONCE_COOKIE, nonce, START_COOKIE_SECONDS, secure)]);
  }
  const go = `${env.publicUrl}/sso/go?callbackUrl=${encodeURIComponent(safeCallbackPath(callbackUrl))}`;
  return redirectWithCookies(go, [serializeSsoCookie(SSO_TENANT_COOKIE, tenant.tenantId, START_COOKIE_SECONDS, secure)]);
}
