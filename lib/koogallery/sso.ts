// Buyer SSO against the tenant's KooGallery identity provider (protocol:sso.md): the
// next-auth OAuth provider for one tenant, the userinfo and token answers, the
// refresh grant and the CAS 3.0 serviceValidate answer. Pure: the caller picks
// the tenant (domainName and client credentials from the Kit syncs).
import type { OAuthConfig } from "next-auth/providers/oauth";
import { z } from "zod";

export const KOOGALLERY_PROVIDER_ID = "koogallery";

/** The tenant's identity provider and the credential applicationSync gave us. */
export type SsoClient = { domainName: string; clientId: string; clientSecret: string };

/** userinfo (protocol:sso.md#user-info). Only userName and tenant are relied on; the rest may be missing. */
export const userInfoSchema = z.object({
  userName: z.string().min(1).max(128),
  tenant: z.string().min(1).max(128),
  name: z.string().max(255).optional().catch(undefined),
  role: z.enum(["user", "admin"]).optional().catch(undefined),
  organizationCode: z.string().max(128).optional().catch(undefined),
  organizationName: z.string().max(255).optional().catch(undefined),
  email: z.string().max(255).optional().catch(undefined),
  mobile: z.string().max(64).optional().catch(undefined),
  projectName: z.string().max(255).optional().catch(undefined),
  id: z.union([z.string(), z.number()]).optional().catch(undefined),
  userId: z.union([z.string(), z.number()]).optional().catch(undefined),
});
export type KooGalleryUserInfo = z.infer<typeof userInfoSchema>;

/** The user next-auth hands to our callbacks: the userinfo fields we use, typed. */
export type KooGalleryProfileUser = {
  id: string;
  name: string;
  email: string | null;
  userName: string;
  tenant: string;
  role?: "user" | "admin";
  organizationCode?: string;
};

export function endpointsOf(domainName: string) {
  const base = domainName.replace(/\/+$/, "");
  return {
    authorize: `${base}/api/v1/oauth2/authorize`,
    token: `${base}/api/v1/oauth2/token`,
    userinfo: `${base}/api/v1/oauth2/userinfo`,
    logout: `${base}/api/v1/logout`,
    casLogin: `${base}/api/v1/cas/login`,
    casServiceValidate: `${base}/api/v1/cas/p3/serviceValidate`,
  };
}

/**
 * next-auth provider for one tenant. Client authentication is by form fields
 * (protocol:sso.md#token-request lists client_id and client_secret in the form), `state` is
 * always checked, PKCE is added where the tenant's server accepts it.
 */
export function KooGalleryProvider(client: SsoClient, opts: { scope: string; usePkce: boolean }): OAuthConfig<KooGalleryUserInfo> {
  const endpoints = endpointsOf(client.domainName);
  return {
    id: KOOGALLERY_PROVIDER_ID,
    name: "KooGallery",
    type: "oauth",
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    client: { token_endpoint_auth_method: "client_secret_post" },
    authorization: { url: endpoints.authorize, params: { scope: opts.scope, response_type: "code" } },
    token: endpoints.token,
    userinfo: endpoints.userinfo,
    idToken: false,
    checks: opts.usePkce ? ["state", "pkce"] : ["state"],
    profile(raw): KooGalleryProfileUser {
      const info = userInfoSchema.parse(raw);
      return {
        id: `${info.tenant}:${info.userName}`,
        name: info.name ?? info.userName,
        email: info.email ?? null,
        userName: info.userName,
        tenant: info.tenant,
        role: info.role,
        organizationCode: info.organizationCode,
      };
    },
  };
}

export const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof tokenAnswerSchema>;

export class SsoRequestError extends Error {
  override name = "SsoRequestError";
  constructor(
    message: string,
    /** The identity provider's `error` code when it sent one (invalid_grant, invalid_client…). */
    readonly oauthError?: string,
  ) {
    super(message);
  }
}

/** The refresh grant (protocol:sso.md#refresh): same answer shape as the code grant. */
export async function refreshAccessToken(client: SsoClient, refreshToken: string, fetchImpl: typeof fetch = fetch): Promise<TokenAnswer> {
  const form = new URLSearchParams({
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_type: "refresh_token",
    refresh_token: refreshToken,
  });
  const res = await fetchImpl(endpointsOf(client.domainName).token, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
    body: form,
    signal: AbortSignal.timeout(10_000),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new SsoRequestError(`token refresh refused (HTTP ${res.status})`, typeof body.error === "string" ? body.error.slice(0, 64) : undefined);
  const parsed = tokenAnswerSchema.safeParse(body);
  if (!parsed.success) throw new SsoRequestError("token refresh answer has no access_token");
  return parsed.data;
}

/** Where "also sign out of KooGallery" goes (protocol:sso.md#logout). */
export function logoutUrl(domainName: string, redirectUrl: string): string {
  return `${endpointsOf(domainName).logout}?redirect_url=${encodeURIComponent(redirectUrl)}`;
}

// ---- CAS 3.0 ---------------------------------------------------------------

export type CasResult = { ok: true; user: KooGalleryUserInfo } | { ok: false; code: string; description: string };

function decodeXmlText(s: string): string {
  return s
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, "$1")
    .replace(/&#x([0-9a-fA-F]+);/g, (_, h: string) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

/** The text of the first <cas:name> (any namespace prefix) inside `xml`. */
function xmlElement(xml: string, name: string): string | undefined {
  const m = new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([\\s\\S]*?)</(?:[\\w-]+:)?${name}>`).exec(xml);
  return m?.[1] === undefined ? undefined : decodeXmlText(m[1].trim());
}

function casAttributesToUser(user: string | undefined, attrs: Record<string, unknown>): CasResult {
  const text = (v: unknown) => (typeof v === "string" ? v : Array.isArray(v) && typeof v[0] === "string" ? v[0] : undefined);
  const fields = {
    userName: text(attrs.userName) ?? user,
    tenant: text(attrs.tenant),
    name: text(attrs.name),
    role: text(attrs.role),
    organizationCode: text(attrs.organizationCode),
    email: text(attrs.email),
    mobile: text(attrs.mobile),
  };
  const parsed = userInfoSchema.safeParse(Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)));
  if (!parsed.success) return { ok: false, code: "INVALID_RESPONSE", description: "the CAS answer names no user or no tenant" };
  return { ok: true, user: Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as KooGalleryUserInfo };
}

/** Reads a serviceValidate answer in either format KooGallery may send (format=XML|JSON). */
export function parseCasServiceResponse(body: string): CasResult {
  const trimmed = body.trim();
  if (trimmed.startsWith("{")) {
    let doc: {
      serviceResponse?: {
        authenticationSuccess?: { user?: unknown; attributes?: Record<string, unknown> };
        authenticationFailure?: { code?: unknown; description?: unknown };
      };
    };
    try {
      doc = JSON.parse(trimmed) as typeof doc;
    } catch {
      return { ok: false, code: "INVALID_RESPONSE", description: "the CAS answer is not valid JSON" };
    }
    const success = doc.serviceResponse?.authenticationSuccess;
    if (success) return casAttributesToUser(typeof success.user === "string" ? success.user : undefined, success.attributes ?? {});
    const failure = doc.serviceResponse?.authenticationFailure;
    return {
      ok: false,
      code: typeof failure?.code === "string" ? failure.code : "INVALID_RESPONSE",
      description: typeof failure?.description === "string" ? failure.description.slice(0, 300) : "no authenticationSuccess in the CAS answer",
    };
  }
  const failure = /<(?:[\w-]+:)?authenticationFailure(?:\s+code="([^"]*)")?[^>]*>([\s\S]*?)<\/(?:[\w-]+:)?authenticationFailure>/.exec(trimmed);
  if (failure) return { ok: false, code: decodeXmlText(failure[1] ?? "INVALID_RESPONSE"), description: decodeXmlText((failure[2] ?? "").trim()).slice(0, 300) };
  const success = xmlElement(trimmed, "authenticationSuccess");
  if (success === undefined) return { ok: false, code: "INVALID_RESPONSE", description: "no authenticationSuccess in the CAS answer" };
  const attributesXml = xmlElement(success, "attributes") ?? "";
  const attrs: Record<string, string> = {};
  for (const key of ["userName", "tenant", "name", "role", "organizationCode", "email", "mobile"]) {
    const v = xmlElement(attributesXml, key);
    if (v !== undefined) attrs[key] = v;
  }
  return casAttributesToUser(xmlElement(success, "user"), attrs);
}

/** serviceValidate for a ticket; `service` must be exactly the URL the ticket was issued for. */
export async function validateCasTicket(domainName: string, service: string, ticket: string, fetchImpl: typeof fetch = fetch): Promise<CasResult> {
  const url = `${endpointsOf(domainName).casServiceValidate}?${new URLSearchParams({ service, ticket, format: "JSON" })}`;
  const res = await fetchImpl(url, { headers: { accept: "application/json, application/xml;q=0.9" }, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  if (!res.ok && !text.trim()) return { ok: false, code: "HTTP_ERROR", description: `serviceValidate answered HTTP ${res.status}` };
  return parseCasServiceResponse(text);
}
