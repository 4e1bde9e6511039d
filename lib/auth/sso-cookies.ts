// Short-lived cookies that carry a KooGallery sign-in between our redirects.
// HttpOnly and SameSite=Lax: they ride the top-level GET back from the
// identity provider, never a cross-site POST or a script. On https their names
// carry the __Host- prefix (ssoCookieName).
import type { NextRequest } from "next/server";

export const SSO_TENANT_COOKIE = "kg_sso_tenant";
/** Set when we turned a KooGallery entry (code without our state) into our own flow: a second one is refused, not looped. */
export const SSO_ENTRY_COOKIE = "kg_sso_entry";
/** CAS has no `state`: this nonce goes into the service URL and must come back to the same browser. */
export const SSO_CAS_NONCE_COOKIE = "kg_sso_cas";

export type SsoCookie = typeof SSO_TENANT_COOKIE | typeof SSO_ENTRY_COOKIE | typeof SSO_CAS_NONCE_COOKIE;

export type CookieSpec = { name: string; value: string; maxAge: number };

export function isSecureUrl(url: string): boolean {
  return url.startsWith("https://");
}

export function serializeCookie(c: CookieSpec, secure: boolean): string {
  return [`${c.name}=${encodeURIComponent(c.value)}`, "Path=/", `Max-Age=${c.maxAge}`, "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}

/**
 * On https the browser takes a __Host- cookie only when it is Secure, has
 * Path=/ and no Domain, and keeps it to our exact host: a page on a sibling
 * subdomain (a merchant's app) can neither plant nor overwrite it, as it could
 * a plain kg_sso_tenant to steer a sign-in to another tenant.
 */
export function ssoCookieName(name: SsoCookie, secure: boolean): string {
  return secure ? `__Host-${name}` : name;
}

export function serializeSsoCookie(name: SsoCookie, value: string, maxAge: number, secure: boolean): string {
  return serializeCookie({ name: ssoCookieName(name, secure), value, maxAge }, secure);
}

export function clearSsoCookie(name: SsoCookie, secure: boolean): string {
  return serializeSsoCookie(name, "", 0, secure);
}

export function readSsoCookie(req: NextRequest, name: SsoCookie, secure: boolean): string | undefined {
  return req.cookies.get(ssoCookieName(name, secure))?.value;
}

/** A redirect that also sets cookies (Response.redirect's headers are immutable). */
export function redirectWithCookies(location: string, cookies: string[] = [], status = 303): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status, headers });
}
