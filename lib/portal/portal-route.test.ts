// The cross-site request forgery rule every /api/portal route gets from
// portalRoute: a request that changes something must be JSON from the
// portal's own origin, refused before the session or the body is read.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { NextRequest } from "next/server";

const PUBLIC_URL = "https://portal.example.com";
Object.assign(process.env, {
  KOOGALLERY_ACCESS_KEY: "route-test-key",
  PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  PORTAL_PUBLIC_URL: PUBLIC_URL,
});
const { checkSameOriginJson, portalRoute } = await import("./portal-route");
const { PortalError } = await import("@/lib/errors");

const JSON_TYPE = { "content-type": "application/json" };
const ATTACK_BODY = JSON.stringify({ email: "mallory@example.com", name: "m", role: "owner", password: "Aa1!aaaaaaaaaa" });

function request(method: string, headers: Record<string, string>, body?: string): NextRequest {
  return new NextRequest(`${PUBLIC_URL}/api/portal/staff`, { method, headers, body });
}

function refusal(req: Request): { status: number; code: string } | undefined {
  try {
    checkSameOriginJson(req, PUBLIC_URL);
    return undefined;
  } catch (error) {
    assert.ok(error instanceof PortalError);
    return { status: error.status, code: error.code };
  }
}

test("reads pass without Origin or Content-Type", () => {
  assert.equal(refusal(request("GET", {})), undefined);
  assert.equal(refusal(request("HEAD", { origin: "https://evil.example.com" })), undefined);
});

test("a change from our own origin as JSON is allowed, with or without parameters", () => {
  assert.equal(refusal(request("POST", { origin: PUBLIC_URL, ...JSON_TYPE }, "{}")), undefined);
  assert.equal(refusal(request("PATCH", { origin: PUBLIC_URL, "content-type": "Application/JSON; charset=utf-8" }, "{}")), undefined);
  // A browser that sends no Origin still says where the request came from.
  assert.equal(refusal(request("DELETE", { "sec-fetch-site": "same-origin", ...JSON_TYPE })), undefined);
});

test("a change from another origin, or from nowhere we can tell, is 403", () => {
  for (const headers of [
    { origin: "http://portal.example.com", ...JSON_TYPE }, // another scheme
    { origin: "https://app.example.com", ...JSON_TYPE }, // same site, other origin
    { origin: "https://portal.example.com:8443", ...JSON_TYPE }, // another port
    { origin: "null", ...JSON_TYPE }, // sandboxed frames, data: URLs
    { origin: "https://portal.example.com.evil.com", ...JSON_TYPE },
    { ...JSON_TYPE }, // neither Origin nor Sec-Fetch-Site
    { "sec-fetch-site": "same-site", ...JSON_TYPE },
    { "sec-fetch-site": "cross-site", ...JSON_TYPE },
    { origin: "https://app.example.com", "sec-fetch-site": "same-origin", ...JSON_TYPE }, // Origin decides when present
  ]) {
    assert.deepEqual(refusal(request("POST", headers, "{}")), { status: 403, code: "forbidden" }, JSON.stringify(headers));
  }
});

test("a change that is not JSON is 415, whatever the body looks like", () => {
  for (const type of [
    "text/plain",
    "text/plain;charset=UTF-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/jsonx",
    "application/json-seq",
  ]) {
    assert.deepEqual(
      refusal(request("POST", { origin: PUBLIC_URL, "content-type": type }, ATTACK_BODY)),
      { status: 415, code: "unsupported_media_type" },
      type,
    );
  }
  assert.deepEqual(refusal(request("POST", { origin: PUBLIC_URL })), { status: 415, code: "unsupported_media_type" }, "no Content-Type");
});

test("portalRoute refuses before the session or the body is read, with a JSON message", async () => {
  let calls = 0;
  const route = portalRoute(async () => {
    calls += 1;
    return { ok: true };
  });
  const ctx = { params: Promise.resolve({}) };
  // What a page on a sibling origin can send without a preflight: a text/plain fetch (no-cors) and a text/plain form post.
  const noCorsFetch = request(
    "POST",
    { origin: "https://app.example.com", "content-type": "text/plain;charset=UTF-8", "sec-fetch-site": "same-site" },
    ATTACK_BODY,
  );
  const crossOrigin = await route(noCorsFetch, ctx);
  assert.equal(crossOrigin.status, 403);
  assert.match(((await crossOrigin.json()) as { error: { message: string } }).error.message, /cross-origin/);
  assert.equal(noCorsFetch.bodyUsed, false, "the body was not read");

  const plainFromUs = await route(request("POST", { origin: PUBLIC_URL, "content-type": "text/plain" }, ATTACK_BODY), ctx);
  assert.equal(plainFromUs.status, 415);
  assert.deepEqual(await plainFromUs.json(), { error: { code: "unsupported_media_type", message: "send the request as Content-Type: application/json" } });
  assert.equal(calls, 0);
});
