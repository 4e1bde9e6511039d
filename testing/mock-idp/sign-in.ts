// Interactive flows: authorize, CAS login and unified login share the sign-in page and
// the tenant's session cookie; logout ends that session.
import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { safeEqual } from "../../lib/koogallery/constant-time";
import { isHttpUrl, readForm, redirect, sendMethodNotAllowed } from "./http-io";
import { sendErrorPage, sendLoginPage, sendPage } from "./pages";
import { randomToken, type Ctx, type Session } from "./state";
import { findUser, type MockIdpTenant, type MockIdpUser } from "./tenants";

const SIGN_IN_ERROR = "Unknown account or wrong password";

export type SignIn = { user: MockIdpUser; authenticatedAt: Date; isFromNewLogin: boolean };
/** A flow checks its parameters before anyone signs in, then says where the browser goes after. */
export type FlowStart = { ok: true; finish: (signIn: SignIn) => string } | { ok: false; answer: () => void };
type StartFlow = (ctx: Ctx, params: URLSearchParams) => FlowStart;

export const refuse = (answer: () => void): FlowStart => ({ ok: false, answer });

/**
 * GET shows the sign-in page (or, with a session, goes straight on). The page posts back to
 * the same path with the original query as hidden fields, so the POST re-runs the same checks
 * on the same parameters and the path alone says which flow continues.
 */
export async function runInteractiveFlow(ctx: Ctx, startFlow: StartFlow): Promise<void> {
  if (ctx.req.method === "GET") {
    const params = ctx.url.searchParams;
    const start = startFlow(ctx, params);
    if (!start.ok) return start.answer();
    const session = currentSession(ctx);
    const user = session && findUser(ctx.tenant, session.userName);
    if (session && user) return redirect(ctx.res, start.finish({ user, authenticatedAt: session.authenticatedAt, isFromNewLogin: false }));
    return sendLoginPage(ctx, params, {});
  }
  if (ctx.req.method === "POST") {
    const read = await readForm(ctx.req);
    if (!read.ok) return sendErrorPage(ctx.res, read.status, "invalid_request", read.reason);
    const params = withoutCredentials(read.form);
    const start = startFlow(ctx, params);
    if (!start.ok) return start.answer();
    const userName = read.form.get("userName") ?? "";
    const user = authenticateUser(ctx.tenant, userName, read.form.get("password") ?? "");
    if (!user) return sendLoginPage(ctx, params, { error: SIGN_IN_ERROR, userName });
    const session = startSession(ctx, user);
    return redirect(ctx.res, start.finish({ user, authenticatedAt: session.authenticatedAt, isFromNewLogin: true }));
  }
  return sendMethodNotAllowed(ctx.res, "GET, POST");
}

function withoutCredentials(form: URLSearchParams): URLSearchParams {
  const params = new URLSearchParams(form);
  params.delete("userName");
  params.delete("password");
  return params;
}

function authenticateUser(tenant: MockIdpTenant, userName: string, password: string): MockIdpUser | undefined {
  const user = findUser(tenant, userName);
  if (!user) return undefined;
  // Users without a configured password sign in with anything: handy for demos.
  if (user.password === undefined) return user;
  return safeEqual(password, user.password) ? user : undefined;
}

// ---------------------------------------------------------------------------------------------
// Sessions (one cookie per tenant, so tenants sign in independently like separate domains)

function sessionCookieName(tenantId: string): string {
  return `mockidp_${createHash("sha256").update(tenantId).digest("hex").slice(0, 16)}`;
}

function sessionCookie(ctx: Ctx, value: string, maxAgeSec?: number): string {
  const maxAge = maxAgeSec === undefined ? "" : `; Max-Age=${maxAgeSec}`;
  return `${sessionCookieName(ctx.tenant.tenantId)}=${value}; Path=${ctx.state.basePath || "/"}; HttpOnly; SameSite=Lax${maxAge}`;
}

function currentSession(ctx: Ctx): Session | undefined {
  const id = readCookie(ctx.req, sessionCookieName(ctx.tenant.tenantId));
  const session = id === undefined ? undefined : ctx.state.sessions.get(id);
  return session?.tenantId === ctx.tenant.tenantId ? session : undefined;
}

function startSession(ctx: Ctx, user: MockIdpUser): Session {
  const id = randomToken();
  const session: Session = { tenantId: ctx.tenant.tenantId, userName: user.userName, authenticatedAt: new Date() };
  ctx.state.sessions.set(id, session);
  ctx.res.setHeader("Set-Cookie", sessionCookie(ctx, id));
  return session;
}

function endSession(ctx: Ctx): void {
  const id = readCookie(ctx.req, sessionCookieName(ctx.tenant.tenantId));
  if (id !== undefined) ctx.state.sessions.delete(id);
  ctx.res.setHeader("Set-Cookie", sessionCookie(ctx, "", 0));
}

function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Logout

export function handleLogout(ctx: Ctx): void {
  endSession(ctx);
  const target = ctx.url.searchParams.get("redirect_url");
  if (target && isHttpUrl(target)) return redirect(ctx.res, target);
  sendPage(ctx.res, 200, "Signed out", "<h1>Signed out</h1><p>You are signed out of KooGallery (mock).</p>");
}
