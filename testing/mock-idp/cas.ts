// CAS 3.0: login with a service, tickets, and serviceValidate in JSON or XML.
import { appendQuery, isHttpUrl, sendJson, sendXml } from "./http-io";
import { sendErrorPage } from "./pages";
import { refuse, type FlowStart, type SignIn } from "./sign-in";
import { pruneExpired, randomToken, type Ctx, type TicketRecord } from "./state";
import { findUser, type MockIdpTenant, type MockIdpUser } from "./tenants";

const CAS_NAMESPACE = "http://www.yale.edu/tp/cas";

export function startCasLogin(ctx: Ctx, params: URLSearchParams): FlowStart {
  const service = params.get("service");
  if (!service || !isHttpUrl(service)) return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "service must be an absolute http(s) URL."));
  return { ok: true, finish: (signIn) => appendQuery(service, { ticket: issueTicket(ctx, signIn, service) }) };
}

export function issueTicket(ctx: Ctx, signIn: SignIn, service: string): string {
  pruneExpired(ctx.state);
  const ticket = `ST-${randomToken()}`;
  ctx.state.tickets.set(ticket, {
    tenantId: ctx.tenant.tenantId,
    userName: signIn.user.userName,
    service,
    expiresAt: Date.now() + ctx.state.codeTtlMs,
    used: false,
    isFromNewLogin: signIn.isFromNewLogin,
    authenticatedAt: signIn.authenticatedAt,
  });
  return ticket;
}

// ---------------------------------------------------------------------------------------------
// serviceValidate

type CasOutcome = { ok: true; user: MockIdpUser; ticket: TicketRecord } | { ok: false; code: string; description: string };

export function handleServiceValidate(ctx: Ctx): void {
  const params = ctx.url.searchParams;
  const outcome = validateTicket(ctx, params.get("service"), params.get("ticket"));
  // protocol:sso.md: JSON unless XML is asked for.
  if ((params.get("format") ?? "JSON").toUpperCase() === "XML") return sendXml(ctx.res, casXml(ctx.tenant, outcome));
  sendJson(ctx.res, 200, casJson(ctx.tenant, outcome));
}

function validateTicket(ctx: Ctx, service: string | null, ticket: string | null): CasOutcome {
  if (!service || !ticket) return { ok: false, code: "INVALID_REQUEST", description: "'service' and 'ticket' parameters are both required" };
  const record = ctx.state.tickets.get(ticket);
  const notRecognized = { ok: false as const, code: "INVALID_TICKET", description: `Ticket ${ticket} not recognized` };
  if (!record || record.tenantId !== ctx.tenant.tenantId || record.used) return notRecognized;
  // CAS 3.0 §2.5.3: a ticket is spent by any validation attempt, a mismatched service included.
  record.used = true;
  if (Date.now() >= record.expiresAt) return { ok: false, code: "INVALID_TICKET", description: `Ticket ${ticket} expired` };
  if (service !== record.service) {
    return {
      ok: false,
      code: "INVALID_SERVICE",
      description: `Ticket ${ticket} does not match supplied service. The original service was '${record.service}' and the supplied service was '${service}'.`,
    };
  }
  const user = findUser(ctx.tenant, record.userName);
  return user ? { ok: true, user, ticket: record } : notRecognized;
}

function casAttributes(tenant: MockIdpTenant, user: MockIdpUser, ticket: TicketRecord) {
  return {
    authenticationDate: ticket.authenticatedAt.toISOString(),
    longTermAuthenticationRequestTokenUsed: false,
    isFromNewLogin: ticket.isFromNewLogin,
    role: user.role,
    organizationCode: user.orgCode,
    name: user.name,
    userName: user.userName,
    tenant: tenant.tenantId,
  };
}

function casJson(tenant: MockIdpTenant, outcome: CasOutcome): unknown {
  if (!outcome.ok) return { serviceResponse: { authenticationFailure: { code: outcome.code, description: outcome.description } } };
  return { serviceResponse: { authenticationSuccess: { user: outcome.user.userName, attributes: casAttributes(tenant, outcome.user, outcome.ticket) } } };
}

/** Byte for byte the protocol:sso.md shape: no declaration, no whitespace between elements. */
function casXml(tenant: MockIdpTenant, outcome: CasOutcome): string {
  const inner = outcome.ok
    ? `<cas:authenticationSuccess><cas:user>${escapeXml(outcome.user.userName)}</cas:user><cas:attributes>${Object.entries(
        casAttributes(tenant, outcome.user, outcome.ticket),
      )
        .map(([key, value]) => `<cas:${key}>${escapeXml(String(value))}</cas:${key}>`)
        .join("")}</cas:attributes></cas:authenticationSuccess>`
    : `<cas:authenticationFailure code="${escapeXml(outcome.code)}">${escapeXml(outcome.description)}</cas:authenticationFailure>`;
  return `<cas:serviceResponse xmlns:cas="${CAS_NAMESPACE}">${inner}</cas:serviceResponse>`;
}

function escapeXml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c] ?? c);
}
