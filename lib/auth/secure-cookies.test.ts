// On an https portal our own cookies are __Host- cookies and next-auth's are
// Secure and prefixed, so a page on a sibling subdomain can neither read nor
// plant them; on http (local runs, the tests) plain names still work.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { NextRequest } from "next/server";

Object.assign(process.env, {
  KOOGALLERY_ACCESS_KEY: "cookie-test-key",
  PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  PORTAL_PUBLIC_URL: "https://portal.example.com",
});
const { readSsoCookie, serializeSsoCookie, clearSsoCookie, SSO_CAS_NONCE_COOKIE, SSO_ENTRY_COOKIE, SSO_TENANT_COOKIE } = await import("./sso-cookies");
const { buildAuthOptions } = await import("./auth-options");

test("on https our sign-in cookies are __Host- cookies: Secure, Path=/, no Domain", () => {
  for (const name of [SSO_TENANT_COOKIE, SSO_ENTRY_COOKIE, SSO_CAS_NONCE_COOKIE] as const) {
    const set = serializeSsoCookie(name, "t-1", 900, true);
    assert.ok(set.startsWith(`__Host-${name}=t-1;`), set);
    const attributes = set.split("; ").slice(1);
    assert.ok(attributes.includes("Secure") && attributes.includes("Path=/") && attributes.includes("HttpOnly"), set);
    assert.ok(!attributes.some((a) => /^domain=/i.test(a)), set);
    assert.ok(clearSsoCookie(name, true).startsWith(`__Host-${name}=;`));
  }
  // A plain kg_sso_tenant (what a sibling subdomain could plant for the parent domain) is not read.
  const planted = new NextRequest("https://portal.example.com/api/auth/signin/koogallery", { headers: { cookie: "kg_sso_tenant=attacker-tenant" } });
  assert.equal(readSsoCookie(planted, SSO_TENANT_COOKIE, true), undefined);
  const own = new NextRequest("https://portal.example.com/api/auth/signin/koogallery", {
    headers: { cookie: "kg_sso_tenant=attacker-tenant; __Host-kg_sso_tenant=t-1" },
  });
  assert.equal(readSsoCookie(own, SSO_TENANT_COOKIE, true), "t-1");
});

test("on http the names stay plain (no browser keeps a Secure cookie there)", () => {
  assert.ok(serializeSsoCookie(SSO_TENANT_COOKIE, "t-1", 900, false).startsWith("kg_sso_tenant=t-1;"));
  assert.ok(!serializeSsoCookie(SSO_TENANT_COOKIE, "t-1", 900, false).includes("Secure"));
  const req = new NextRequest("http://127.0.0.1:3000/api/auth/signin/koogallery", { headers: { cookie: "kg_sso_tenant=t-1" } });
  assert.equal(readSsoCookie(req, SSO_TENANT_COOKIE, false), "t-1");
});

test("next-auth uses secure cookies when the public URL is https, whatever NEXTAUTH_URL says", () => {
  process.env.NEXTAUTH_URL = "http://internal:3000";
  try {
    assert.equal(buildAuthOptions().useSecureCookies, true);
  } finally {
    delete process.env.NEXTAUTH_URL;
  }
});
