// Short-lived cookies that carry a KooGallery sign-in between our redirects.
// HttpOnly and SameSite=Lax: they ride the top-level GET back from the
// identity provider, never a cross-site POST or a script.
export const SSO_TENANT_COOKIE = "kg_sso_tenant";
/** Set when we turned a KooGallery entry (code without our state) into our own flow: a second one is refused, not looped. */
export const SSO_ENTRY_COOKIE = "kg_sso_entry";
/** CAS has no `state`: this nonce goes into the service URL and must come back to the same browser. */
export const SSO_CAS_NONCE_COOKIE = "kg_sso_cas";

export type CookieSpec = { name: string; value: string; maxAge: number };

export function isSecureUrl(url: string): boolean {
  return url.startsWith("https://");
}

export function serializeCookie(c: CookieSpec, secure: boolean): string {
  return [`${c.name}=${encodeURIComponent(c.value)}`, "Path=/", `Max-Age=${c.maxAge}`, "HttpOnly", "SameSite=Lax", ...(secure ? ["Secure"] : [])].join("; ");
}

export function clearCookie(name: string, secure: boolean): string {
  return serializeCookie({ name, value: "", maxAge: 0 }, secure);
}

/** A redirect that also sets cookies (Response.redirect's headers are immutable). */
export function redirectWithCookies(location: string, cookies: string[] = [], status = 303): Response {
  const headers = new Headers({ location, "cache-control": "no-store" });
  for (const c of cookies) headers.append("set-cookie", c);
  return new Response(null, { status, headers });
}
