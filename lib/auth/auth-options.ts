// next-auth configuration. Staff sign in with email and password; buyers
// through their tenant's KooGallery identity provider, whose provider is built
// per request (lib/auth/sso-tenant.ts chooses the tenant). Sessions are JWTs
// (encrypted by next-auth); who may see what is re-checked against the
// database on every request (lib/auth/viewer.ts), so a revoked grant or a
// disabled staff account loses access at once.
import type { AuthOptions, User } from "next-auth";
import Credentials from "next-auth/providers/credentials";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";
import { KOOGALLERY_PROVIDER_ID, KooGalleryProvider, refreshAccessToken, SsoRequestError, type KooGalleryProfileUser } from "@/lib/koogallery/sso";
import { checkBuyerGrant, findSsoTenant, type SsoTenant } from "@/lib/auth/sso-tenant";
import { guardRedirect } from "@/lib/auth/safe-redirect";
import { buyerSignInMethod, shouldRefreshBuyerToken } from "@/lib/auth/buyer-token";
import { recordSignIn } from "@/lib/auth/record-sign-in";
import { reportSsoFailure } from "@/lib/auth/sso-failure";
import { isSecureUrl } from "@/lib/auth/sso-cookies";
import { isSessionExpired, nowInSeconds, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-lifetime";
import { clientAddressOfHeaders } from "@/lib/http/client-address";
import { signInStaff } from "@/lib/staff/sign-in-staff";

export const STAFF_PROVIDER_ID = "staff";

// The bundle unwraps this CommonJS module's default export; plain Node ESM (the
// in-process tests that build these options) hands over the module object.
const CredentialsProvider = (Credentials as unknown as { default?: typeof Credentials }).default ?? Credentials;

type PortalUser = User & Partial<KooGalleryProfileUser> & { kind?: "staff"; role?: string; sessionVersion?: number };

/**
 * The staff provider's authorize. The rate limit's address is the one
 * server.ts took from the socket (or from the trusted proxies'
 * X-Forwarded-For entry): a client's own X-Forwarded-For would let every guess
 * name a fresh address and a fresh budget.
 */
export async function authorizeStaff(credentials: Record<string, string> | undefined, headers: Record<string, unknown> | undefined): Promise<PortalUser> {
  const ip = clientAddressOfHeaders(headers, getEnv().trustedProxyHops);
  const result = await signInStaff({ email: credentials?.email ?? "", password: credentials?.password ?? "", ip });
  // next-auth passes an error's message to the sign-in form as `error`.
  if (!result.ok) throw new Error(result.reason === "rate-limited" ? `rate-limited:${result.retryAfterSeconds ?? 900}` : result.reason);
  const { staff } = result;
  return {
    id: staff.id,
    name: staff.name,
    email: staff.email,
    kind: "staff",
    role: staff.role.toLowerCase(),
    sessionVersion: staff.sessionVersion,
  } as PortalUser;
}

function staffProvider() {
  return CredentialsProvider({
    id: STAFF_PROVIDER_ID,
    name: "Staff account",
    credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
    authorize: (credentials, req) => authorizeStaff(credentials, req.headers),
  });
}

async function refreshBuyerToken(token: import("next-auth/jwt").JWT): Promise<import("next-auth/jwt").JWT> {
  if (!token.refreshToken || !token.tenantId) return { ...token, error: "refresh-failed" };
  const found = await findSsoTenant(token.tenantId);
  if (!found.ok) return { ...token, error: "refresh-failed" };
  try {
    const fresh = await refreshAccessToken(found.tenant, token.refreshToken);
    return {
      ...token,
      accessToken: fresh.access_token,
      refreshToken: fresh.refresh_token ?? token.refreshToken,
      accessTokenExpiresAt: Math.floor(Date.now() / 1000) + (fresh.expires_in ?? 7200),
      error: undefined,
    };
  } catch (error) {
    console.warn(
      `[auth] token refresh for ${token.tenantId}/${token.userName} failed: ` +
        (error instanceof SsoRequestError ? (error.oauthError ?? error.message) : describeError(error)),
    );
    return { ...token, error: "refresh-failed" };
  }
}

/**
 * @param sso the tenant a KooGallery sign-in is for (omitted: staff only).
 * @param canRefresh whether this request may refresh and re-set the session
 *   cookie: true for the /api/auth routes, false for server-component reads,
 *   which cannot write cookies (a rotated refresh token would be lost).
 */
export function buildAuthOptions(sso?: SsoTenant, canRefresh = true): AuthOptions {
  const env = getEnv();
  // next-auth builds its callback URLs from NEXTAUTH_URL.
  process.env.NEXTAUTH_URL ??= env.publicUrl;
  return {
    secret: env.auth.secret,
    // Explicit, not inferred from NEXTAUTH_URL (which an operator may set apart):
    // on https the session and CSRF cookies are Secure and __Secure-/__Host- prefixed.
    useSecureCookies: isSecureUrl(env.publicUrl),
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/login", error: "/auth/error" },
    providers: [staffProvider(), ...(sso ? [KooGalleryProvider(sso, { scope: env.auth.ssoScope, usePkce: env.auth.ssoPkce })] : [])],
    logger: {
      error(code, metadata) {
        reportSsoFailure(code, metadata);
        console.error(`[auth] ${code}: ${describeError(metadata instanceof Error ? metadata : ((metadata as { error?: unknown })?.error ?? metadata))}`);
      },
      warn(code) {
        if (code !== "DEBUG_ENABLED") console.warn(`[auth] ${code}`);
      },
      debug() {},
    },
    callbacks: {
      async signIn({ user, account }) {
        if (account?.provider !== KOOGALLERY_PROVIDER_ID) return true;
        const u = user as PortalUser;
        const subject = u.userName ?? "";
        if (!sso || u.tenant !== sso.tenantId) {
          await recordSignIn({ method: "koogallery-oauth", outcome: "refused", reason: "wrong-tenant", subject, tenantId: sso?.tenantId });
          return "/auth/refused?reason=wrong-tenant";
        }
        const grant = await checkBuyerGrant(sso.tenantId, subject);
        if (!grant.ok) {
          await recordSignIn({ method: "koogallery-oauth", outcome: "refused", reason: grant.reason, subject, tenantId: sso.tenantId });
          return `/auth/refused?reason=${grant.reason}&tenant=${encodeURIComponent(sso.tenantId)}`;
        }
        await recordSignIn({ method: "koogallery-oauth", outcome: "ok", subject, tenantId: sso.tenantId });
        return true;
      },
      async jwt({ token, user, account }) {
        if (account && user) {
          const u = user as PortalUser;
          const signedInAt = nowInSeconds();
          if (account.provider === STAFF_PROVIDER_ID) {
            return {
              ...token,
              kind: "staff",
              staffId: u.id,
              role: u.role,
              name: u.name ?? u.email ?? "",
              email: u.email,
              signedInAt,
              sessionVersion: u.sessionVersion,
            };
          }
          // The grant, not the identity provider, decides the role (protocol:kit-interface.md#authsync).
          const grant = u.tenant && u.userName ? await checkBuyerGrant(u.tenant, u.userName) : undefined;
          return {
            ...token,
            kind: "buyer",
            tenantId: u.tenant,
            userName: u.userName,
            name: grant?.ok ? grant.name || (u.name ?? "") : (u.name ?? ""),
            role: grant?.ok ? grant.role : "user",
            orgCode: grant?.ok ? grant.orgCode : u.organizationCode,
            accessToken: account.access_token,
            refreshToken: account.refresh_token,
            accessTokenExpiresAt: account.expires_at ?? Math.floor(Date.now() / 1000) + 7200,
            signedInAt,
          };
        }
        // Past its absolute lifetime the token keeps only the mark: no identity, no KooGallery tokens.
        if (isSessionExpired(token.signedInAt)) return { error: "session-expired", signedInAt: token.signedInAt };
        if (canRefresh && shouldRefreshBuyerToken(token, Date.now() / 1000)) {
          return refreshBuyerToken(token);
        }
        return token;
      },
      session({ session, token }) {
        // An empty answer is "no session" to /api/auth/session's clients and to getServerSession.
        if (token.error === "session-expired") return {} as typeof session;
        session.user = {
          kind: token.kind ?? "staff",
          name: token.name ?? "",
          email: token.email ?? null,
          role: token.role ?? "",
          staffId: token.staffId,
          tenantId: token.tenantId,
          userName: token.userName,
          orgCode: token.orgCode,
          signedInAt: token.signedInAt,
          sessionVersion: token.sessionVersion,
        };
        if (token.error) session.error = token.error;
        return session;
      },
      redirect({ url, baseUrl }) {
        return guardRedirect(url, baseUrl);
      },
    },
    events: {
      async signOut({ token }) {
        if (token?.kind === "buyer")
          await recordSignIn({ method: buyerSignInMethod(token), outcome: "signed-out", subject: token.userName, tenantId: token.tenantId });
      },
    },
  };
}
