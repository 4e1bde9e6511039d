import assert from "node:assert/strict";
import { test } from "node:test";
import { guardRedirect, safeCallbackPath } from "./safe-redirect";
import { classifySsoError } from "./sso-failure";
import { serviceUrlOf } from "./finish-cas-sign-in";
import { isRefusalReason } from "./refusal-reasons";
import { buyerSignInMethod, REFRESH_MARGIN_SECONDS, shouldRefreshBuyerToken } from "./buyer-token";

test("callback URLs: only paths on our own origin survive", () => {
  process.env.NEXTAUTH_URL = "https://portal.example.com";
  assert.equal(safeCallbackPath("/portal/tenants?x=1"), "/portal/tenants?x=1");
  assert.equal(safeCallbackPath("https://portal.example.com/portal#a"), "/portal#a");
  for (const evil of [
    "https://evil.example.com/",
    "//evil.example.com/x",
    "/\\evil.example.com",
    "javascript:alert(1)",
    "portal",
    "/api/auth/signout",
    "https://portal.example.com.evil.com/",
  ]) {
    const out = safeCallbackPath(evil);
    assert.equal(out, "/sso/continue", evil);
  }
  assert.equal(safeCallbackPath("/ok\u0000bad"), "/sso/continue");
  assert.equal(safeCallbackPath(undefined, "/login"), "/login");
});

test("next-auth's redirect callback stays on our origin", () => {
  const base = "https://portal.example.com";
  assert.equal(guardRedirect("/portal", base), "https://portal.example.com/portal");
  assert.equal(guardRedirect("https://portal.example.com/portal/tenants", base), "https://portal.example.com/portal/tenants");
  assert.equal(guardRedirect("https://evil.example.com/phish", base), "https://portal.example.com/sso/continue");
  assert.equal(guardRedirect("//evil.example.com", base), "https://portal.example.com/sso/continue");
});

test("failed KooGallery callbacks are classified for the error page", () => {
  assert.equal(classifySsoError(new TypeError("State cookie was missing.")), "state");
  assert.equal(classifySsoError({ name: "RPError", message: "state mismatch, expected abc, got: abcx" }), "state");
  assert.equal(classifySsoError({ name: "OPError", error: "invalid_grant", error_description: "Authorization code expired" }), "code-expired");
  assert.equal(classifySsoError({ name: "OPError", error: "invalid_grant", error_description: "Authorization code already used" }), "code-used");
  assert.equal(classifySsoError({ name: "OPError", error: "invalid_grant", error_description: "PKCE verification failed" }), "pkce");
  assert.equal(classifySsoError({ name: "OPError", error: "invalid_grant", error_description: "Invalid authorization code" }), "code-invalid");
  assert.equal(classifySsoError({ name: "OPError", error: "invalid_client", error_description: "Bad client credentials" }), "client");
  assert.equal(classifySsoError(new Error("connect ECONNREFUSED 127.0.0.1:9")), "idp-unreachable");
  assert.equal(classifySsoError({ message: "wrapped", cause: { error: "invalid_grant", error_description: "expired" } }), "code-expired");
  assert.equal(classifySsoError("something else"), "unknown");
});

test("the CAS service URL is our callback exactly as sent, minus the ticket", () => {
  assert.equal(serviceUrlOf("https://p.example.com", "?tenant=t1&n=abc&ticket=ST-1"), "https://p.example.com/api/sso/cas?tenant=t1&n=abc");
  assert.equal(serviceUrlOf("https://p.example.com", "?ticket=ST-1&tenant=t%2B1&n=a"), "https://p.example.com/api/sso/cas?tenant=t%2B1&n=a");
  assert.equal(serviceUrlOf("https://p.example.com", "?ticket=ST-1"), "https://p.example.com/api/sso/cas");
});

test("refusal reasons are a closed set", () => {
  assert.ok(isRefusalReason("revoked"));
  assert.ok(!isRefusalReason("toString"));
  assert.ok(!isRefusalReason("<script>"));
});

test("only an OAuth buyer session near its access token's expiry is refreshed; CAS and staff sessions never", () => {
  const now = 1_800_000_000;
  const oauth = { kind: "buyer" as const, tenantId: "t", userName: "u", accessToken: "at", refreshToken: "rt" };
  assert.equal(shouldRefreshBuyerToken({ ...oauth, accessTokenExpiresAt: now + 7200 }, now), false);
  assert.equal(shouldRefreshBuyerToken({ ...oauth, accessTokenExpiresAt: now + REFRESH_MARGIN_SECONDS - 1 }, now), true);
  assert.equal(shouldRefreshBuyerToken({ ...oauth, accessTokenExpiresAt: now - 10, error: "refresh-failed" }, now), false);
  // What lib/auth/finish-cas-sign-in.ts encodes: no access token, no expiry.
  const cas = { kind: "buyer" as const, tenantId: "t", userName: "u", role: "admin" };
  assert.equal(shouldRefreshBuyerToken(cas, now), false);
  assert.equal(buyerSignInMethod(cas), "koogallery-cas");
  assert.equal(buyerSignInMethod({ ...oauth, accessTokenExpiresAt: now }), "koogallery-oauth");
  assert.equal(shouldRefreshBuyerToken({ kind: "staff", staffId: "s", role: "owner" }, now), false);
});
