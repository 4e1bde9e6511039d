// Portal request bodies are capped while they are read, not after.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NextRequest } from "next/server";
import { z } from "zod";
import { PortalError } from "@/lib/errors";
import { countedStream, streamedPost } from "@/testing/support/counted-stream";
import { MAX_PORTAL_BODY_BYTES, readJsonBody } from "./read-json-body";

const schema = z.object({ name: z.string() });
const URL_ = "http://127.0.0.1:3000/api/portal/staff";

function streamed(body: ReadableStream<Uint8Array>, headers: Record<string, string> = {}): NextRequest {
  return streamedPost(URL_, body, { "content-type": "application/json", ...headers });
}

const isTooLarge = (e: unknown) => e instanceof PortalError && e.status === 413 && /at most 64 KiB/.test(e.message);

test("a body over 64 KiB is refused with 413 as soon as the limit is passed, not after reading it all", async () => {
  const { stream, pulledBytes } = countedStream(16 * 1024 * 1024);
  await assert.rejects(readJsonBody(streamed(stream), schema), isTooLarge);
  assert.ok(pulledBytes() <= MAX_PORTAL_BODY_BYTES + 2 * 1024, `read ${pulledBytes()} bytes of 16 MiB`);
});

test("a declared Content-Length over the limit is refused before reading", async () => {
  const { stream, pulledBytes } = countedStream(1024 * 1024);
  await assert.rejects(readJsonBody(streamed(stream, { "content-length": String(1024 * 1024) }), schema), isTooLarge);
  assert.equal(pulledBytes(), 0);
});

test("JSON within the limit is read and validated; anything else is a 400 that says why", async () => {
  const exactly = `{"name":"${"x".repeat(MAX_PORTAL_BODY_BYTES - 11)}"}`;
  assert.equal(Buffer.byteLength(exactly), MAX_PORTAL_BODY_BYTES);
  assert.equal((await readJsonBody(new NextRequest(URL_, { method: "POST", body: exactly }), schema)).name.length, MAX_PORTAL_BODY_BYTES - 11);
  assert.deepEqual(await readJsonBody(new NextRequest(URL_, { method: "POST", body: '{"name":"密码"}' }), schema), { name: "密码" });
  await assert.rejects(readJsonBody(new NextRequest(URL_, { method: "POST", body: `${exactly} ` }), schema), isTooLarge);
  await assert.rejects(
    readJsonBody(new NextRequest(URL_, { method: "POST", body: "{not json" }), schema),
    (e: unknown) => e instanceof PortalError && e.status === 400 && /JSON/.test(e.message),
  );
  await assert.rejects(
    readJsonBody(new NextRequest(URL_, { method: "POST", body: '{"name":1}' }), schema),
    (e: unknown) => e instanceof PortalError && e.status === 400,
  );
});
