import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, it } from "node:test";
import { createMockIdp, startMockIdp } from "./mock-idp";
import { loadMockIdpTenants, type MockIdpTenant } from "./tenants";

const TENANT_A: MockIdpTenant = {
  tenantId: "34a59a26e6a24071a9cc7a0526440171",
  clientId: "client-a",
  clientSecret: "secret+a/=",
  projectName: "Tenant A",
  users: [
    { userName: "zhangsan", name: "张三", role: "user", orgCode: "10000", organizationName: "Sales", email: "zs@example.com", password: "pw-zs" },
    { userName: "admin", name: "Admin <&>", role: "admin", orgCode: "10001" },
  ],
};
const TENANT_B: MockIdpTenant = {
  tenantId: "tenant b/ü",
  clientId: "client-b",
  clientSecret: "secret-b",
  users: [{ userName: "lisi", name: "李四", role: "user", orgCode: "20000" }],
};
const APP = "https://app.example.com/callback";

type Idp = Awaited<ReturnType<typeof startMockIdp>>;

function get(url: string, cookie?: string, headers: Record<string, string> = {}) {
  return fetch(url, { redirect: "manual", headers: { ...headers, ...(cookie ? { cookie } : {}) } });
}

function postForm(url: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

function unescapeHtml(value: string): string {
  return value.replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)));
}

/** Submits the sign-in page the way a browser would: its hidden fields plus the credentials. */
async function submitLogin(pageUrl: string, html: string, userName: string, password = "") {
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) fields.append(unescapeHtml(m[1] ?? ""), unescapeHtml(m[2] ?? ""));
  fields.set("userName", userName);
  fields.set("password", password);
  const action = /<form method="post" action="([^"]*)">/.exec(html)?.[1];
  assert.ok(action, "the page has a form");
  return fetch(new URL(unescapeHtml(action), pageUrl), {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: fields.toString(),
  });
}

/** Signs in through any interactive flow URL; returns the redirect target and the session cookie. */
async function signIn(url: string, userName: string, password = "") {
  const page = await get(url);
  assert.equal(page.status, 200);
  const res = await submitLogin(url, await page.text(), userName, password);
  assert.equal(res.status, 302);
  const setCookie = res.headers.getSetCookie()[0] ?? "";
  return { location: new URL(res.headers.get("location") ?? ""), cookie: setCookie.split(";")[0] ?? "", setCookie };
}

function authorizeUrl(base: string, params: Record<string, string> = {}) {
  const query = new URLSearchParams({
    response_type: "code",
    client_id: TENANT_A.clientId,
    redirect_uri: APP,
    scope: "get_user_info",
    state: "xyz",
    ...params,
  });
  return `${base}/api/v1/oauth2/authorize?${query}`;
}

function basic(id: string, secret: string) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString("base64")}`;
}

async function exchange(base: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const res = await postForm(`${base}/api/v1/oauth2/token`, fields, headers);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function codeGrant(code: string, extra: Record<string, string> = {}) {
  return { grant_type: "authorization_code", code, client_id: TENANT_A.clientId, client_secret: TENANT_A.clientSecret, redirect_uri: APP, ...extra };
}

async function userinfo(base: string, token: string) {
  const res = await get(`${base}/api/v1/oauth2/userinfo`, undefined, { authorization: `Bearer ${token}`, accept: "application/json" });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

function s256(verifier: string) {
  return createHash("sha256").update(verifier).digest("base64url");
}

describe("mock KooGallery IdP", () => {
  let idp: Idp;
  let baseA: string;
  let baseB: string;

  before(async () => {
    idp = await startMockIdp({ port: 0, tenants: [TENANT_A, TENANT_B] });
    baseA = idp.tenantBaseUrl(idp.origin, TENANT_A.tenantId);
    baseB = idp.tenantBaseUrl(idp.origin, TENANT_B.tenantId);
  });
  after(() => idp.close());

  describe("OAuth2 authorization code", () => {
    it("authorize shows an accessible sign-in page, then code → token (form auth) → userinfo", async () => {
      const page = await get(authorizeUrl(baseA, { state: "<b>x</b>" }));
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /<html lang="en">/);
      assert.match(html, /<title>KooGallery mock sign-in<\/title>/);
      assert.match(html, /<main>/);
      assert.match(html, /<label for="userName">Account<\/label>/);
      assert.match(html, /<label for="password">Password<\/label>/);
      assert.match(html, /<button type="submit">Sign in<\/button>/);
      assert.match(html, /zhangsan/);
      assert.ok(!html.includes("<b>x</b>"), "echoed values are escaped");
      assert.ok(!html.includes("pw-zs") && !html.includes(TENANT_A.clientSecret), "secrets are never shown");

      const res = await submitLogin(authorizeUrl(baseA), html, "zhangsan", "pw-zs");
      assert.equal(res.status, 302);
      const location = new URL(res.headers.get("location") ?? "");
      assert.equal(`${location.origin}${location.pathname}`, APP);
      assert.equal(location.searchParams.get("state"), "<b>x</b>");
      const code = location.searchParams.get("code");
      assert.ok(code);
      const cookie = res.headers.getSetCookie()[0] ?? "";
      assert.match(cookie, /^mockidp_[0-9a-f]+=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);

      const token = await exchange(baseA, codeGrant(code));
      assert.equal(token.status, 200);
      assert.equal(token.body.token_type, "Bearer");
      assert.equal(token.body.expires_in, 7200);
      assert.equal(token.body.scope, "get_user_info");
      assert.equal(typeof token.body.access_token, "string");
      assert.equal(typeof token.body.refresh_token, "string");

      const info = await userinfo(baseA, String(token.body.access_token));
      assert.equal(info.status, 200);
      assert.deepEqual(Object.keys(info.body).sort(), [
        "email",
        "id",
        "name",
        "organizationCode",
        "organizationName",
        "projectName",
        "role",
        "tenant",
        "userId",
        "userName",
      ]);
      assert.equal(info.body.userName, "zhangsan");
      assert.equal(info.body.name, "张三");
      assert.equal(info.body.role, "user");
      assert.equal(info.body.organizationCode, "10000");
      assert.equal(info.body.organizationName, "Sales");
      assert.equal(info.body.projectName, "Tenant A");
      assert.equal(info.body.tenant, TENANT_A.tenantId);

      const record = idp.tokenRequests.at(-1);
      assert.deepEqual(record, {
        tenantId: TENANT_A.tenantId,
        grantType: "authorization_code",
        clientId: "client-a",
        hadSecret: true,
        hadVerifier: false,
        ok: true,
      });
      assert.ok(!JSON.stringify(idp.tokenRequests).includes(TENANT_A.clientSecret));
    });

    it("accepts HTTP Basic client authentication; userinfo leaves out absent fields", async () => {
      const code = idp.issueCode(TENANT_A.tenantId, "admin", { redirectUri: APP });
      const token = await exchange(
        baseA,
        { grant_type: "authorization_code", code, redirect_uri: APP },
        { authorization: basic(TENANT_A.clientId, TENANT_A.clientSecret) },
      );
      assert.equal(token.status, 200);
      const info = await userinfo(baseA, String(token.body.access_token));
      assert.equal(info.body.userName, "admin");
      assert.equal(info.body.role, "admin");
      assert.ok(!("email" in info.body) && !("mobile" in info.body));
    });

    it("reuses the session: a second authorize redirects at once, without state when none was given", async () => {
      const { cookie } = await signIn(authorizeUrl(baseA), "admin");
      const url = authorizeUrl(baseA);
      const again = await get(url.replace("&state=xyz", ""), cookie);
      assert.equal(again.status, 302);
      const location = new URL(again.headers.get("location") ?? "");
      assert.ok(location.searchParams.get("code"));
      assert.equal(location.searchParams.has("state"), false);
    });

    it("refuses an unknown account or a wrong password with the form again", async () => {
      const page = await get(authorizeUrl(baseA));
      const html = await page.text();
      for (const [user, password] of [
        ["nobody", ""],
        ["zhangsan", "wrong"],
      ] as const) {
        const res = await submitLogin(authorizeUrl(baseA), html, user, password);
        assert.equal(res.status, 200);
        const body = await res.text();
        assert.match(body, /Unknown account or wrong password/);
        assert.match(body, /<form method="post"/);
        assert.equal(res.headers.getSetCookie().length, 0);
      }
    });

    it("refuses an unknown client_id with a 400 page and a wrong response_type with a redirect", async () => {
      const bad = await get(authorizeUrl(baseA, { client_id: TENANT_B.clientId }));
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /invalid_client/);
      const wrongType = await get(authorizeUrl(baseA, { response_type: "token" }));
      assert.equal(wrongType.status, 302);
      const location = new URL(wrongType.headers.get("location") ?? "");
      assert.equal(location.searchParams.get("error"), "unsupported_response_type");
      assert.equal(location.searchParams.get("state"), "xyz");
    });

    it("checks PKCE S256: the right verifier passes, a missing or wrong one fails", async () => {
      const verifier = randomBytes(32).toString("base64url");
      const { location } = await signIn(authorizeUrl(baseA, { code_challenge: s256(verifier), code_challenge_method: "S256" }), "admin");
      const ok = await exchange(baseA, codeGrant(location.searchParams.get("code") ?? "", { code_verifier: verifier }));
      assert.equal(ok.status, 200);
      assert.equal(idp.tokenRequests.at(-1)?.hadVerifier, true);

      for (const extra of [{}, { code_verifier: randomBytes(32).toString("base64url") }] as Record<string, string>[]) {
        const code = idp.issueCode(TENANT_A.tenantId, "admin", { redirectUri: APP, codeChallenge: s256(verifier) });
        const failed = await exchange(baseA, codeGrant(code, extra));
        assert.equal(failed.status, 400);
        assert.deepEqual(failed.body, { error: "invalid_grant", error_description: "PKCE verification failed" });
      }
    });

    it("refuses a reused code and revokes the tokens it bought", async () => {
      const code = idp.issueCode(TENANT_A.tenantId, "zhangsan", { redirectUri: APP });
      const first = await exchange(baseA, codeGrant(code));
      assert.equal(first.status, 200);
      const second = await exchange(baseA, codeGrant(code));
      assert.deepEqual(second, { status: 400, body: { error: "invalid_grant", error_description: "Authorization code already used" } });
      assert.equal((await userinfo(baseA, String(first.body.access_token))).status, 401);
      const refresh = await exchange(baseA, {
        grant_type: "refresh_token",
        refresh_token: String(first.body.refresh_token),
        client_id: TENANT_A.clientId,
        client_secret: TENANT_A.clientSecret,
      });
      assert.equal(refresh.status, 400);
    });

    it("refuses an expired code, an unknown code and a redirect_uri mismatch", async () => {
      idp.setCodeTtlMs(1);
      const code = idp.issueCode(TENANT_A.tenantId, "zhangsan", { redirectUri: APP });
      idp.setCodeTtlMs(60_000);
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual((await exchange(baseA, codeGrant(code))).body, { error: "invalid_grant", error_description: "Authorization code expired" });
      assert.deepEqual((await exchange(baseA, codeGrant("nope"))).body, { error: "invalid_grant", error_description: "Invalid authorization code" });
      const other = idp.issueCode(TENANT_A.tenantId, "zhangsan", { redirectUri: APP });
      const mismatch = await exchange(baseA, codeGrant(other, { redirect_uri: "https://evil.example.com/" }));
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.body.error, "invalid_grant");
    });

    it("answers 401 invalid_client for a wrong secret, a missing secret or a client of another tenant", async () => {
      const expected = { status: 401, body: { error: "invalid_client", error_description: "Bad client credentials" } };
      const code = idp.issueCode(TENANT_A.tenantId, "zhangsan", { redirectUri: APP });
      assert.deepEqual(await exchange(baseA, codeGrant(code, { client_secret: "wrong" })), expected);
      assert.deepEqual(await exchange(baseA, { grant_type: "authorization_code", code, client_id: TENANT_A.clientId }), expected);
      assert.deepEqual(await exchange(baseA, { grant_type: "authorization_code", code }, { authorization: basic(TENANT_A.clientId, "wrong") }), expected);
      assert.deepEqual(await exchange(baseA, codeGrant(code, { client_id: TENANT_B.clientId, client_secret: TENANT_B.clientSecret })), expected);
      // Tenant B's own domain and credentials still cannot redeem tenant A's code.
      const crossed = await exchange(baseB, {
        grant_type: "authorization_code",
        code,
        redirect_uri: APP,
        client_id: TENANT_B.clientId,
        client_secret: TENANT_B.clientSecret,
      });
      assert.equal(crossed.status, 400);
      assert.equal(crossed.body.error, "invalid_grant");
      const record = idp.tokenRequests.find((r) => r.error === "invalid_client" && r.clientId === TENANT_B.clientId);
      assert.deepEqual(record, {
        tenantId: TENANT_A.tenantId,
        grantType: "authorization_code",
        clientId: "client-b",
        hadSecret: true,
        hadVerifier: false,
        ok: false,
        error: "invalid_client",
      });
    });

    it("refreshes with rotation; a rotated-out refresh token is refused; unsupported grants are named", async () => {
      const code = idp.issueCode(TENANT_A.tenantId, "zhangsan", { redirectUri: APP });
      const first = await exchange(baseA, codeGrant(code));
      const refreshFields = (token: unknown) => ({
        grant_type: "refresh_token",
        refresh_token: String(token),
        client_id: TENANT_A.clientId,
        client_secret: TENANT_A.clientSecret,
      });
      const second = await exchange(baseA, refreshFields(first.body.refresh_token));
      assert.equal(second.status, 200);
      assert.notEqual(second.body.access_token, first.body.access_token);
      assert.notEqual(second.body.refresh_token, first.body.refresh_token);
      assert.equal((await userinfo(baseA, String(second.body.access_token))).body.userName, "zhangsan");
      const replay = await exchange(baseA, refreshFields(first.body.refresh_token));
      assert.equal(replay.status, 400);
      assert.equal(replay.body.error, "invalid_grant");
      assert.equal((await exchange(baseA, refreshFields("unknown"))).body.error, "invalid_grant");
      const password = await exchange(baseA, { grant_type: "password", client_id: TENANT_A.clientId, client_secret: TENANT_A.clientSecret });
      assert.equal(password.status, 400);
      assert.equal(password.body.error, "unsupported_grant_type");
    });

    it("userinfo answers 401 without a token, with an unknown one, or on another tenant's domain", async () => {
      const unauthorized = { error: "unauthorized", error_description: "Full authentication is required to access this resource" };
      const none = await get(`${baseA}/api/v1/oauth2/userinfo`);
      assert.equal(none.status, 401);
      assert.deepEqual(await none.json(), unauthorized);
      assert.deepEqual(await userinfo(baseA, "unknown"), { status: 401, body: unauthorized });
      const code = idp.issueCode(TENANT_A.tenantId, "zhangsan");
      const token = await exchange(baseA, codeGrant(code));
      assert.equal((await userinfo(baseB, String(token.body.access_token))).status, 401);
    });

    it("refuses a non-form token request and an oversized form", async () => {
      const json = await fetch(`${baseA}/api/v1/oauth2/token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      assert.equal(json.status, 400);
      assert.equal(((await json.json()) as { error: string }).error, "invalid_request");
      const big = await postForm(`${baseA}/api/v1/oauth2/token`, { grant_type: "authorization_code", pad: "x".repeat(70 * 1024) });
      assert.equal(big.status, 400);
      const page = await postForm(authorizeUrl(baseA), { userName: "admin", pad: "x".repeat(70 * 1024) });
      assert.equal(page.status, 413);
    });
  });

  describe("logout", () => {
    it("clears the session: authorize shows the form again; redirect_url is followed", async () => {
      const { cookie } = await signIn(authorizeUrl(baseA), "admin");
      assert.equal((await get(authorizeUrl(baseA), cookie)).status, 302);
      const out = await get(`${baseA}/api/v1/logout?redirect_url=${encodeURIComponent("https://app.example.com/bye")}`, cookie);
      assert.equal(out.status, 302);
      assert.equal(out.headers.get("location"), "https://app.example.com/bye");
      assert.match(out.headers.getSetCookie()[0] ?? "", /Max-Age=0/);
      // Even a browser that kept the old cookie is signed out: the session is gone on our side.
      const after = await get(authorizeUrl(baseA), cookie);
      assert.equal(after.status, 200);
      assert.match(await after.text(), /<form method="post"/);
      const page = await get(`${baseA}/api/v1/logout`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /You are signed out of KooGallery \(mock\)/);
    });
  });

  describe("CAS 3.0", () => {
    const service = "https://app.example.com/cas?tenant=a";
    const validate = (ticket: string, format?: string, svc = service) =>
      get(`${baseA}/api/v1/cas/p3/serviceValidate?service=${encodeURIComponent(svc)}&ticket=${encodeURIComponent(ticket)}${format ? `&format=${format}` : ""}`);

    async function casTicket(userName: string, password = "") {
      const { location, cookie } = await signIn(`${baseA}/api/v1/cas/login?service=${encodeURIComponent(service)}`, userName, password);
      assert.equal(`${location.origin}${location.pathname}`, "https://app.example.com/cas");
      assert.equal(location.searchParams.get("tenant"), "a");
      const ticket = location.searchParams.get("ticket") ?? "";
      assert.match(ticket, /^ST-/);
      return { ticket, cookie };
    }

    it("validates a ticket as XML in the documented shape, escaping values, once", async () => {
      const { ticket } = await casTicket("admin");
      const res = await validate(ticket, "XML");
      assert.match(res.headers.get("content-type") ?? "", /xml/);
      const xml = await res.text();
      // The one value that changes (the sign-in time) is checked on its own; the rest byte for byte.
      const date = /<cas:authenticationDate>(\d{4}-\d\d-\d\dT[\d:.]+Z)<\/cas:authenticationDate>/.exec(xml)?.[1];
      assert.ok(date, "an ISO 8601 authenticationDate");
      assert.equal(
        xml,
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>admin</cas:user><cas:attributes>' +
          `<cas:authenticationDate>${date}</cas:authenticationDate>` +
          "<cas:longTermAuthenticationRequestTokenUsed>false</cas:longTermAuthenticationRequestTokenUsed><cas:isFromNewLogin>true</cas:isFromNewLogin>" +
          "<cas:role>admin</cas:role><cas:organizationCode>10001</cas:organizationCode><cas:name>Admin &lt;&amp;&gt;</cas:name>" +
          "<cas:userName>admin</cas:userName><cas:tenant>34a59a26e6a24071a9cc7a0526440171</cas:tenant></cas:attributes>" +
          "</cas:authenticationSuccess></cas:serviceResponse>",
      );
      const reused = await (await validate(ticket, "XML")).text();
      assert.equal(
        reused,
        '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas">' +
          `<cas:authenticationFailure code="INVALID_TICKET">Ticket ${ticket} not recognized</cas:authenticationFailure></cas:serviceResponse>`,
      );
    });

    it("validates as JSON by default; a session sign-in is not a new login; reuse and mismatch are refused", async () => {
      const { ticket, cookie } = await casTicket("zhangsan", "pw-zs");
      const json = (await (await validate(ticket)).json()) as {
        serviceResponse: { authenticationSuccess: { user: string; attributes: Record<string, unknown> } };
      };
      const success = json.serviceResponse.authenticationSuccess;
      assert.equal(success.user, "zhangsan");
      assert.deepEqual(Object.keys(success.attributes), [
        "authenticationDate",
        "longTermAuthenticationRequestTokenUsed",
        "isFromNewLogin",
        "role",
        "organizationCode",
        "name",
        "userName",
        "tenant",
      ]);
      assert.equal(success.attributes.isFromNewLogin, true);
      assert.equal(success.attributes.tenant, TENANT_A.tenantId);

      assert.deepEqual(await (await validate(ticket, "JSON")).json(), {
        serviceResponse: { authenticationFailure: { code: "INVALID_TICKET", description: `Ticket ${ticket} not recognized` } },
      });

      const reuse = await get(`${baseA}/api/v1/cas/login?service=${encodeURIComponent(service)}`, cookie);
      assert.equal(reuse.status, 302);
      const second = new URL(reuse.headers.get("location") ?? "").searchParams.get("ticket") ?? "";
      const mismatch = (await (await validate(second, undefined, "https://app.example.com/other")).json()) as {
        serviceResponse: { authenticationFailure: { code: string } };
      };
      assert.equal(mismatch.serviceResponse.authenticationFailure.code, "INVALID_SERVICE");
      const spent = (await (await validate(second)).json()) as { serviceResponse: { authenticationFailure: { code: string } } };
      assert.equal(spent.serviceResponse.authenticationFailure.code, "INVALID_TICKET", "a mismatched validation spends the ticket");

      const third =
        new URL((await get(`${baseA}/api/v1/cas/login?service=${encodeURIComponent(service)}`, cookie)).headers.get("location") ?? "").searchParams.get(
          "ticket",
        ) ?? "";
      const reused = (await (await validate(third)).json()) as { serviceResponse: { authenticationSuccess: { attributes: Record<string, unknown> } } };
      assert.equal(reused.serviceResponse.authenticationSuccess.attributes.isFromNewLogin, false);
    });

    it("refuses an expired ticket", async () => {
      idp.setCodeTtlMs(1);
      try {
        const { ticket } = await casTicket("admin");
        await new Promise((resolve) => setTimeout(resolve, 10));
        const body = (await (await validate(ticket)).json()) as { serviceResponse: { authenticationFailure: { code: string } } };
        assert.equal(body.serviceResponse.authenticationFailure.code, "INVALID_TICKET");
      } finally {
        idp.setCodeTtlMs(60_000);
      }
    });
  });

  describe("unified login (IdP-initiated)", () => {
    const appLoginUrl = "https://app.example.com/sso/login?from=kg";

    it("method oauth sends code and tenant; the code has no redirect_uri and no PKCE", async () => {
      const { location } = await signIn(`${baseB}/unified-login?app_login_url=${encodeURIComponent(appLoginUrl)}&method=oauth`, "lisi");
      assert.equal(`${location.origin}${location.pathname}`, "https://app.example.com/sso/login");
      assert.equal(location.searchParams.get("from"), "kg");
      assert.equal(location.searchParams.get("tenant"), TENANT_B.tenantId);
      const code = location.searchParams.get("code") ?? "";
      const token = await exchange(baseB, { grant_type: "authorization_code", code }, { authorization: basic(TENANT_B.clientId, TENANT_B.clientSecret) });
      assert.equal(token.status, 200);
      const info = await userinfo(baseB, String(token.body.access_token));
      assert.equal(info.body.userName, "lisi");
      assert.equal(info.body.tenant, TENANT_B.tenantId);
      assert.ok(!("projectName" in info.body));
    });

    it("method cas sends ticket and tenant; the service is the received URL minus the ticket", async () => {
      const { location } = await signIn(`${baseB}/unified-login?app_login_url=${encodeURIComponent(appLoginUrl)}&method=cas`, "lisi");
      const received = location.toString();
      const ticket = location.searchParams.get("ticket") ?? "";
      assert.equal(received, `${appLoginUrl}&ticket=${ticket}&tenant=${encodeURIComponent(TENANT_B.tenantId)}`);
      const service = received.replace(`ticket=${ticket}&`, "");
      const res = await get(`${baseB}/api/v1/cas/p3/serviceValidate?service=${encodeURIComponent(service)}&ticket=${ticket}`);
      const body = (await res.json()) as { serviceResponse: { authenticationSuccess: { user: string } } };
      assert.equal(body.serviceResponse.authenticationSuccess.user, "lisi");
    });

    it("refuses an unknown method", async () => {
      const res = await get(`${baseB}/unified-login?app_login_url=${encodeURIComponent(appLoginUrl)}&method=saml`);
      assert.equal(res.status, 400);
    });
  });

  describe("routing", () => {
    it("answers 404 for unknown paths and unknown tenants, 405 for a wrong method", async () => {
      const unknownPath = await get(`${baseA}/api/v1/nothing`);
      assert.equal(unknownPath.status, 404);
      assert.deepEqual(await unknownPath.json(), { error: "not_found" });
      const unknownTenant = await get(`${idp.tenantBaseUrl(idp.origin, "nobody")}/api/v1/oauth2/authorize`);
      assert.equal(unknownTenant.status, 404);
      assert.match(await unknownTenant.text(), /unknown tenant/);
      assert.equal((await get(`${baseA}/api/v1/oauth2/token`)).status, 405);
    });
  });
});

describe("basePath", () => {
  it("serves under the prefix and leaves other paths to the caller", async () => {
    const idp = createMockIdp({ basePath: "/mock-idp/", tenants: [TENANT_A] });
    const server = createServer((req, res) => {
      void idp.handle(req, res).then((handled) => {
        if (!handled) res.writeHead(200, { "content-type": "text/plain" }).end("portal");
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const base = idp.tenantBaseUrl(origin, TENANT_A.tenantId);
      assert.equal(base, `${origin}/mock-idp/tenants/${TENANT_A.tenantId}`);
      assert.equal(await (await get(`${origin}/api/health`)).text(), "portal");
      assert.equal(await (await get(`${origin}/mock-idpx/tenants/x`)).text(), "portal");
      assert.equal((await get(`${origin}/mock-idp/nothing`)).status, 404);
      const { location, setCookie } = await signIn(authorizeUrl(base), "admin");
      assert.match(setCookie, /Path=\/mock-idp;/);
      const token = await exchange(base, codeGrant(location.searchParams.get("code") ?? ""));
      assert.equal(token.status, 200);
      assert.equal((await userinfo(base, String(token.body.access_token))).body.userName, "admin");
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("loadMockIdpTenants", () => {
  it("reads a JSON array of tenants, used by createMockIdp when no tenants are given, and names a bad entry", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "mock-idp-"));
    try {
      const file = path.join(dir, "tenants.json");
      writeFileSync(file, JSON.stringify([TENANT_A]));
      assert.deepEqual(loadMockIdpTenants(file), [TENANT_A]);
      const idp = await startMockIdp({ tenantsFile: file });
      try {
        const code = idp.issueCode(TENANT_A.tenantId, "zhangsan");
        assert.equal((await exchange(idp.tenantBaseUrl(idp.origin, TENANT_A.tenantId), codeGrant(code))).status, 200);
      } finally {
        await idp.close();
      }
      writeFileSync(file, JSON.stringify([{ ...TENANT_A, users: [{ userName: "x", name: "X", role: "root", orgCode: "1" }] }]));
      assert.throws(() => loadMockIdpTenants(file), /tenant #0: user #0: role/);
      writeFileSync(file, JSON.stringify({}));
      assert.throws(() => loadMockIdpTenants(file), /JSON array/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
