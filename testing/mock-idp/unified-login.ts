// The IdP-initiated entry: after sign-in the app login address gets an OAuth code or a CAS ticket.
import { issueTicket } from "./cas";
import { appendQuery, isHttpUrl, withoutFragment } from "./http-io";
import { issueCode } from "./oauth";
import { sendErrorPage } from "./pages";
import { refuse, type FlowStart } from "./sign-in";
import type { Ctx } from "./state";

/** KooGallery's unified login page: the IdP starts, and the app login address receives `tenant` too. */
export function startUnifiedLogin(ctx: Ctx, params: URLSearchParams): FlowStart {
  const appLoginUrl = params.get("app_login_url");
  if (!appLoginUrl || !isHttpUrl(appLoginUrl)) {
    return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "app_login_url must be an absolute http(s) URL."));
  }
  const tenant = ctx.tenant.tenantId;
  const method = params.get("method") ?? "oauth";
  if (method === "oauth") {
    return {
      ok: true,
      finish: ({ user }) => appendQuery(appLoginUrl, { code: issueCode(ctx.state, tenant, user.userName, { codeChallengeMethod: "plain" }), tenant }),
    };
  }
  if (method === "cas") {
    // The service is what the portal will see minus the ticket (browsers never send the fragment).
    const service = appendQuery(withoutFragment(appLoginUrl), { tenant });
    return { ok: true, finish: (signIn) => appendQuery(appLoginUrl, { ticket: issueTicket(ctx, signIn, service), tenant }) };
  }
  return refuse(() => sendErrorPage(ctx.res, 400, "invalid_request", "method must be oauth or cas."));
}
