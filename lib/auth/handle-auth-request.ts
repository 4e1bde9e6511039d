// /api/auth/*: next-auth, with the KooGallery provider of the tenant being
// signed in. Which tenant: the kg_sso_tenant cookie that /sso/start set when
// the sign-in began in this browser. An entry from KooGallery's unified login
// (`?code=…&tenant=…` without our `state`) is never trusted as is: that would
// let anyone sign a victim into the attacker's account (login CSRF). It starts
// our own flow instead (OIDC's "login initiated by a third party"): the user is
// already signed in at KooGallery, so the identity provider answers at once
// with a code bound to our state and PKCE verifier. See docs/adr/0005-sign-in.md.
import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { getEnv } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import { readCappedBody } from "@/lib/http/read-capped-body";
import { KOOGALLERY_PROVIDER_ID } from "@/lib/koogallery/sso";
import { buildAuthOptions } from "@/lib/auth/auth-options";
import { findSsoTenant } from "@/lib/auth/sso-tenant";
import { recordSignIn } from "@/lib/auth/record-sign-in";
import { captureSsoFailure } from "@/lib/auth/sso-failure";
import {
  clearSsoCookie,
  isSecureUrl,
  readSsoCookie,
  redirectWithCookies,
  serializeSsoCookie,
  SSO_ENTRY_COOKIE,
  SSO_TENANT_COOKIE,
} from "@/lib/auth/sso-cookies";

type AuthContext = { params: Promise<{ nextauth?: string[] }> };

/** Where a KooGallery entry restarts as our own flow; a second entry within this window is refused instead of looped. */
const ENTRY_GUARD_SECONDS = 120;
/** next-auth's forms (sign-in, CSRF token, sign-out) are a few hundred bytes; it would read any body whole. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

export function refusedUrl(reason: string, tenantId?: string | null): string {
  return `/auth/refused?reason=${encodeURIComponent(reason)}${tenantId ? `&tenant=${encodeURIComponent(tenantId)}` : ""}`;
}

function absolute(path: string): string {
  return `${getEnv().publicUrl}${path}`;
}

/** KooGallery's unified login sent the user here with a code but without our state. */
export function enterFromKooGallery(req: NextRequest, kind: "oauth" | "cas"): Response {
  const secure = isSecureUrl(getEnv().publicUrl);
  const tenant = req.nextUrl.searchParams.get("tenant")?.slice(0, 128);
  if (!tenant) return redirectWithCookies(absolute(refusedUrl("unknown-tenant")));
  if (readSsoCookie(req, SSO_ENTRY_COOKIE, secure)) {
    // We already restarted once and came back without state again: stop here rather than loop.
    void recordSignIn({ method: kind === "cas" ? "koogallery-cas" : "koogallery-oauth", outcome: "refused", reason: "no-state", tenantId: tenant });
    return redirectWithCookies(absolute(refusedUrl("no-state", tenant)), [clearSsoCookie(SSO_ENTRY_COOKIE, secure)]);
  }
  return redirectWithCookies(absolute(`/sso/start?tenant=${encodeURIComponent(tenant)}&entry=koogallery`), [
    serializeSsoCookie(SSO_ENTRY_COOKIE, "1", ENTRY_GUARD_SECONDS, secure),
  ]);
}

function withExtraCookies(res: Response, cookies: string[], location?: string): Response {
  const headers = new Headers(res.headers);
  for (const c of cookies) headers.append("set-cookie", c);
  if (location) headers.set("location", location);
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

/** The request with its body read under the cap, rebuilt for next-auth; or the 413 to answer instead. */
async function capAuthBody(req: NextRequest): Promise<NextRequest | Response> {
  if (req.method !== "POST") return req;
  try {
    const body = await readCappedBody(req, MAX_AUTH_BODY_BYTES);
    return new NextRequest(req.url, { method: req.method, headers: req.headers, body: new Uint8Array(body) });
  } catch (error) {
    if (error instanceof PortalError)
      return Response.json({ error: { code: error.code, message: error.message } }, { status: error.status, headers: { "cache-control": "no-store" } });
    throw error;
  }
}

export async function handleAuthRequest(original: NextRequest, ctx: AuthContext): Promise<Response> {
  const req = await capAuthBody(original);
  if (req instanceof Response) return req;
  const { nextauth = [] } = await ctx.params;
  const [action, providerId] = nextauth;
  if (providerId !== KOOGALLERY_PROVIDER_ID || (action !== "signin" && action !== "callback")) {
    return NextAuth(req, ctx as never, buildAuthOptions()) as Promise<Response>;
  }
  const env = getEnv();
  const secure = isSecureUrl(env.publicUrl);
  const params = req.nextUrl.searchParams;
  if (action === "callback" && req.method === "GET" && !params.has("state") && !params.has("error")) return enterFromKooGallery(req, "oauth");

  const tenantRef = readSsoCookie(req, SSO_TENANT_COOKIE, secure);
  if (!tenantRef) return redirectWithCookies(absolute(action === "callback" ? refusedUrl("no-state", params.get("tenant")) : "/login"));
  const found = await findSsoTenant(tenantRef);
  if (!found.ok) return redirectWithCookies(absolute(refusedUrl(found.reason, tenantRef)));

  const { result, failure } = await captureSsoFailure(() => NextAuth(req, ctx as never, buildAuthOptions(found.tenant)) as Promise<Response>);
  if (action !== "callback") return result;
  const done = [clearSsoCookie(SSO_TENANT_COOKIE, secure), clearSsoCookie(SSO_ENTRY_COOKIE, secure)];
  const location = result.headers.get("location") ?? undefined;
  const failed = location ? new URL(location, env.publicUrl) : undefined;
  // next-auth sends a failed callback through /api/auth/error, which forwards
  // sign-in errors to the login page; send it to the error page, with the cause.
  if (
    failed &&
    (failed.pathname === "/api/auth/error" || failed.pathname === "/auth/error" || (failed.pathname === "/login" && failed.searchParams.has("error")))
  ) {
    await recordSignIn({
      method: "koogallery-oauth",
      outcome: "refused",
      reason: failure ?? failed.searchParams.get("error") ?? "unknown",
      tenantId: found.tenant.tenantId,
    });
    const page = new URL("/auth/error", env.publicUrl);
    page.searchParams.set("error", failed.searchParams.get("error") ?? "Callback");
    if (failure) page.searchParams.set("reason", failure);
    page.searchParams.set("tenant", found.tenant.tenantId);
    return withExtraCookies(result, done, page.toString());
  }
  return withExtraCookies(result, done);
}
