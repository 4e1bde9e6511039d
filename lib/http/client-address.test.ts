import assert from "node:assert/strict";
import { test } from "node:test";
import { CLIENT_ADDRESS_HEADER, clientAddressFrom, clientAddressOfHeaders } from "./client-address";

test("with no trusted proxy the socket decides, whatever X-Forwarded-For says", () => {
  assert.equal(clientAddressFrom("203.0.113.9", "1.1.1.1, 2.2.2.2", 0), "203.0.113.9");
  assert.equal(clientAddressFrom("::ffff:203.0.113.9", undefined, 0), "203.0.113.9");
  assert.equal(clientAddressFrom("2001:db8::1", undefined, 0), "2001:db8::1");
});

test("each trusted hop reads one X-Forwarded-For entry further from the right", () => {
  // client 1.1.1.1 -> forged entry 6.6.6.6 -> proxy A (adds 1.1.1.1) -> proxy B (adds A) -> us
  const xff = "6.6.6.6, 1.1.1.1, 10.0.0.1";
  assert.equal(clientAddressFrom("10.0.0.2", xff, 1), "10.0.0.1");
  assert.equal(clientAddressFrom("10.0.0.2", xff, 2), "1.1.1.1");
  assert.equal(clientAddressFrom("10.0.0.2", [xff], 2), "1.1.1.1");
});

test("fewer entries than hops gives the leftmost there is, never an empty address", () => {
  assert.equal(clientAddressFrom("10.0.0.2", "1.1.1.1", 3), "1.1.1.1");
  assert.equal(clientAddressFrom("10.0.0.2", undefined, 3), "10.0.0.2");
  assert.equal(clientAddressFrom(undefined, undefined, 0), "unknown");
});

test("an absurdly long entry is cut, not kept whole", () => {
  assert.equal(clientAddressFrom("10.0.0.2", "x".repeat(5000), 1).length, 64);
});

test("the header the production server hands on wins over X-Forwarded-For", () => {
  const headers = new Headers({ [CLIENT_ADDRESS_HEADER]: "198.51.100.7", "x-forwarded-for": "6.6.6.6" });
  assert.equal(clientAddressOfHeaders(headers, 0), "198.51.100.7");
  assert.equal(clientAddressOfHeaders({ [CLIENT_ADDRESS_HEADER]: "198.51.100.7" }, 0), "198.51.100.7");
});

test("without it (next start) the last X-Forwarded-For entry stands for the socket", () => {
  assert.equal(clientAddressOfHeaders(new Headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.1" }), 0), "10.0.0.1");
  assert.equal(clientAddressOfHeaders(new Headers({ "x-forwarded-for": "1.1.1.1, 10.0.0.1" }), 1), "1.1.1.1");
  assert.equal(clientAddressOfHeaders(undefined, 0), "unknown");
});
