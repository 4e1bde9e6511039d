// next-auth reports why a KooGallery callback failed only to its logger and
// sends the browser to the error page with a generic `OAuthCallback`. The auth
// route runs next-auth inside `captureSsoFailure`, so the logger can note the
// cause and the route can name it on the error page (expired code, reused
// code, tampered state...). Only a short code travels, never the IdP's text.
import { AsyncLocalStorage } from "node:async_hooks";

export type SsoFailure = "state" | "code-expired" | "code-used" | "code-invalid" | "pkce" | "client" | "idp-unreachable" | "idp-answer" | "unknown";

const store = new AsyncLocalStorage<{ failure?: SsoFailure }>();

export function captureSsoFailure<T>(fn: () => Promise<T>): Promise<{ result: T; failure?: SsoFailure }> {
  const slot: { failure?: SsoFailure } = {};
  return store.run(slot, async () => ({ result: await fn(), failure: slot.failure }));
}

/** Classifies what openid-client and next-auth throw on a failed callback. */
export function classifySsoError(error: unknown): SsoFailure {
  const e = error as { message?: unknown; error?: unknown; error_description?: unknown; name?: unknown; code?: unknown; cause?: unknown } | undefined;
  const oauthError = typeof e?.error === "string" ? e.error : undefined;
  const description = `${typeof e?.error_description === "string" ? e.error_description : ""} ${typeof e?.message === "string" ? e.message : ""}`.toLowerCase();
  if (/state (cookie|value|mismatch)|checks\.state|state missing|state.*different provider/.test(description)) return "state";
  if (/pkce|code_verifier/.test(description)) return "pkce";
  if (oauthError === "invalid_grant" || /invalid_grant/.test(description)) {
    if (/expired/.test(description)) return "code-expired";
    if (/already used|reuse|used/.test(description)) return "code-used";
    return "code-invalid";
  }
  if (oauthError === "invalid_client" || /invalid_client|bad client credentials/.test(description)) return "client";
  if (
    /econnrefused|enotfound|etimedout|timeout|fetch failed|socket|network/.test(description) ||
    (e?.name === "RPError" && /outgoing request timed out/.test(description))
  )
    return "idp-unreachable";
  if (e?.cause !== undefined && e.cause !== error) {
    const inner = classifySsoError(e.cause);
    if (inner !== "unknown") return inner;
  }
  if (/unexpected|json|profile|userinfo/.test(description)) return "idp-answer";
  return "unknown";
}

export function reportSsoFailure(code: string, metadata: unknown): void {
  const slot = store.getStore();
  if (!slot || slot.failure) return;
  if (!/OAUTH_CALLBACK|OAUTH_PARSE_PROFILE|CALLBACK/.test(code)) return;
  const m = metadata as { error?: unknown } | undefined;
  const err = m && typeof m === "object" && "error" in m ? m.error : metadata;
  slot.failure = classifySsoError(err);
}

export const SSO_FAILURE_TEXT: Record<SsoFailure, { title: string; advice: string }> = {
  state: {
    title: "This sign-in could not be matched to your browser",
    advice:
      "The link was changed, used already, or opened in a different browser than the one that started the sign-in. Start again from KooGallery or from " +
      "our sign-in page.",
  },
  "code-expired": { title: "The sign-in code expired", advice: "Codes from KooGallery are valid for a short time only. Start the sign-in again." },
  "code-used": {
    title: "This sign-in code was already used",
    advice: "Each code from KooGallery works once. Start the sign-in again instead of reusing or reloading the link.",
  },
  "code-invalid": { title: "KooGallery did not accept the sign-in code", advice: "Start the sign-in again from KooGallery or from our sign-in page." },
  pkce: { title: "The sign-in could not be verified", advice: "Start the sign-in again in one browser tab." },
  client: {
    title: "The application's KooGallery credential is not valid",
    advice:
      "KooGallery refused our client credentials for your organisation (domain name, client ID and secret must belong together). The merchant has been " +
      "told; try again later or contact them.",
  },
  "idp-unreachable": { title: "KooGallery's sign-in service did not answer", advice: "This is usually temporary. Try again in a minute." },
  "idp-answer": { title: "KooGallery answered in a way we did not understand", advice: "Try again; if it keeps happening, contact the merchant." },
  unknown: { title: "Sign-in failed", advice: "Start the sign-in again from KooGallery or from our sign-in page." },
};

export function isSsoFailure(value: string | null | undefined): value is SsoFailure {
  return typeof value === "string" && Object.hasOwn(SSO_FAILURE_TEXT, value);
}
