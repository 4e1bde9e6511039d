// next-auth reads a POST body whole (a form or JSON); the auth route caps it
// while reading and hands next-auth a request rebuilt from what it read.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import { NextRequest } from "next/server";
import { countedStream, streamedPost } from "@/testing/support/counted-stream";

Object.assign(process.env, {
  KOOGALLERY_ACCESS_KEY: "auth-route-test-key",
  PORTAL_ENCRYPTION_KEY: randomBytes(32).toString("base64"),
  PORTAL_PUBLIC_URL: "http://127.0.0.1:3000",
});
const { handleAuthRequest, MAX_AUTH_BODY_BYTES } = await import("./handle-auth-request");

const ctx = (...nextauth: string[]) => ({ params: Promise.resolve({ nextauth }) });

test("a POST to /api/auth/* over 16 KiB is a 413, found while reading", async () => {
  for (const route of [["callback", "staff"], ["signin", "koogallery"], ["signout"]]) {
    const { stream, pulledBytes } = countedStream(8 * 1024 * 1024);
    const req = streamedPost(`http://127.0.0.1:3000/api/auth/${route.join("/")}`, stream, { "content-type": "application/x-www-form-urlencoded" });
    const res = await handleAuthRequest(req, ctx(...route));
    assert.equal(res.status, 413, route.join("/"));
    assert.match(((await res.json()) as { error: { message: string } }).error.message, /at most 16 KiB/);
    assert.ok(pulledBytes() <= MAX_AUTH_BODY_BYTES + 2 * 1024, `${route.join("/")}: read ${pulledBytes()} bytes of 8 MiB`);
  }
  const declared = new NextRequest("http://127.0.0.1:3000/api/auth/callback/staff", {
    method: "POST",
    headers: { "content-length": String(1024 * 1024) },
    body: "x",
  });
  assert.equal((await handleAuthRequest(declared, ctx("callback", "staff"))).status, 413);
});
