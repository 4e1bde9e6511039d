import assert from "node:assert/strict";
import { test } from "node:test";
import { endpointsOf, KooGalleryProvider, logoutUrl, parseCasServiceResponse, refreshAccessToken, SsoRequestError } from "./sso";

// protocol:sso.md: the documented CAS success answer.
const SPEC_CAS_XML =
  '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationSuccess><cas:user>zhangsan</cas:user><cas:attributes>' +
  "<cas:authenticationDate>2021-11-17T01:37:52.729Z</cas:authenticationDate><cas:longTermAuthenticationRequestTokenUsed>" +
  "false</cas:longTermAuthenticationRequestTokenUsed><cas:isFromNewLogin>true</cas:isFromNewLogin><cas:role>admin</cas:role>" +
  "<cas:organizationCode>10000</cas:organizationCode><cas:name>张三</cas:name><cas:userName>zhangsan</cas:userName><cas:tenant>" +
  "34a59a26e6a24071a9cc7a0526440171</cas:tenant></cas:attributes></cas:authenticationSuccess></cas:serviceResponse>";

test("endpoints hang off the tenant's domainName, with or without a trailing slash", () => {
  assert.equal(endpointsOf("https://t.example.com/").token, "https://t.example.com/api/v1/oauth2/token");
  assert.equal(endpointsOf("https://t.example.com").casServiceValidate, "https://t.example.com/api/v1/cas/p3/serviceValidate");
});

test("the provider checks state always and PKCE when asked, and posts client credentials in the form", () => {
  const p = KooGalleryProvider({ domainName: "https://t.example.com", clientId: "cid", clientSecret: "sec" }, { scope: "get_user_info", usePkce: true });
  assert.deepEqual(p.checks, ["state", "pkce"]);
  assert.equal((p.client as { token_endpoint_auth_method?: string }).token_endpoint_auth_method, "client_secret_post");
  const noPkce = KooGalleryProvider({ domainName: "https://t.example.com", clientId: "cid", clientSecret: "sec" }, { scope: "get_user_info", usePkce: false });
  assert.deepEqual(noPkce.checks, ["state"]);
});

test("profile() maps the documented minimal userinfo and refuses one without tenant", async () => {
  const p = KooGalleryProvider({ domainName: "https://t.example.com", clientId: "c", clientSecret: "s" }, { scope: "x", usePkce: false });
  const user = await p.profile!({ userName: "zhangsan", name: "张三", tenant: "34a59a26", organizationCode: "10000", role: "user" }, {});
  assert.deepEqual(user, {
    id: "34a59a26:zhangsan",
    name: "张三",
    email: null,
    userName: "zhangsan",
    tenant: "34a59a26",
    role: "user",
    organizationCode: "10000",
  });
  // An unknown role value is ignored rather than trusted.
  const odd = await p.profile!({ userName: "u", tenant: "t", role: "root" } as never, {});
  assert.equal((odd as { role?: string }).role, undefined);
  await assert.rejects(async () => p.profile!({ userName: "u" } as never, {}));
});

test("CAS: the documented XML success answer", () => {
  const r = parseCasServiceResponse(SPEC_CAS_XML);
  assert.deepEqual(r, {
    ok: true,
    user: { userName: "zhangsan", tenant: "34a59a26e6a24071a9cc7a0526440171", name: "张三", role: "admin", organizationCode: "10000" },
  });
});

test("CAS: JSON success and both failure formats", () => {
  const ok = parseCasServiceResponse(
    JSON.stringify({ serviceResponse: { authenticationSuccess: { user: "li", attributes: { userName: "li", tenant: "t1", role: "user", name: ["Li"] } } } }),
  );
  assert.deepEqual(ok, { ok: true, user: { userName: "li", tenant: "t1", role: "user", name: "Li" } });
  const xmlFail = parseCasServiceResponse(
    '<cas:serviceResponse xmlns:cas="http://www.yale.edu/tp/cas"><cas:authenticationFailure code="INVALID_TICKET">Ticket ST-1 not ' +
      "recognized</cas:authenticationFailure></cas:serviceResponse>",
  );
  assert.deepEqual(xmlFail, { ok: false, code: "INVALID_TICKET", description: "Ticket ST-1 not recognized" });
  const jsonFail = parseCasServiceResponse('{"serviceResponse":{"authenticationFailure":{"code":"INVALID_SERVICE","description":"service mismatch"}}}');
  assert.deepEqual(jsonFail, { ok: false, code: "INVALID_SERVICE", description: "service mismatch" });
});

test("CAS: escaped XML text is decoded, and an answer without a tenant is refused", () => {
  const r = parseCasServiceResponse(
    "<cas:serviceResponse><cas:authenticationSuccess><cas:user>a&amp;b</cas:user><cas:attributes><cas:tenant>t</cas:tenant><cas:name>&lt;A&gt;" +
      "</cas:name></cas:attributes></cas:authenticationSuccess></cas:serviceResponse>",
  );
  assert.deepEqual(r, { ok: true, user: { userName: "a&b", tenant: "t", name: "<A>" } });
  const noTenant = parseCasServiceResponse(
    "<cas:serviceResponse><cas:authenticationSuccess><cas:user>a</cas:user></cas:authenticationSuccess></cas:serviceResponse>",
  );
  assert.equal(noTenant.ok, false);
  assert.equal(parseCasServiceResponse("{not json").ok, false);
  assert.equal(parseCasServiceResponse("<html>login</html>").ok, false);
});

test("refresh posts the refresh grant with the client credentials and reads the answer", async () => {
  let seen: URLSearchParams | undefined;
  const fakeFetch = (async (_url: string, init: RequestInit) => {
    seen = init.body as URLSearchParams;
    return new Response(JSON.stringify({ access_token: "a2", token_type: "Bearer", expires_in: 7200, refresh_token: "r2" }), { status: 200 });
  }) as unknown as typeof fetch;
  const t = await refreshAccessToken({ domainName: "https://t.example.com", clientId: "cid", clientSecret: "sec" }, "r1", fakeFetch);
  assert.equal(t.access_token, "a2");
  assert.equal(seen?.get("grant_type"), "refresh_token");
  assert.equal(seen?.get("refresh_token"), "r1");
  assert.equal(seen?.get("client_id"), "cid");

  const refusing = (async () =>
    new Response(JSON.stringify({ error: "invalid_grant", error_description: "expired" }), { status: 400 })) as unknown as typeof fetch;
  await assert.rejects(
    refreshAccessToken({ domainName: "https://t", clientId: "c", clientSecret: "s" }, "r", refusing),
    (e: unknown) => e instanceof SsoRequestError && e.oauthError === "invalid_grant" && !e.message.includes('s"'),
  );
});

test("logout URL carries the encoded redirect", () => {
  assert.equal(
    logoutUrl("https://t.example.com", "https://portal/login?x=1"),
    "https://t.example.com/api/v1/logout?redirect_url=https%3A%2F%2Fportal%2Flogin%3Fx%3D1",
  );
});
