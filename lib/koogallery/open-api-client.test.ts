// The order query against a local stand-in for the API gateway that checks the
// AK/SK signature the way the gateway does: from the raw request line, with
// the query's values percent-decoded (a "+" stays a plus) and re-encoded per
// RFC 3986. An orderId with a space, "+", "/" and Chinese characters must pass.
import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { encodeRfc3986 } from "./aksk";
import { OpenApiError, queryOrder } from "./open-api-client";

const AK = "test-ak";
const SK = "test-sk-for-the-gateway";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** The signature the gateway computes from the request as it arrived (SDK-HMAC-SHA256). */
function gatewaySignature(req: IncomingMessage, signedHeaders: string[], sk: string): string {
  const raw = req.url ?? "/";
  const at = raw.indexOf("?");
  const path = at < 0 ? raw : raw.slice(0, at);
  const query = at < 0 ? "" : raw.slice(at + 1);
  const pairs = query
    .split("&")
    .filter(Boolean)
    .map((part) => {
      const eq = part.indexOf("=");
      const [name, value] = eq < 0 ? [part, ""] : [part.slice(0, eq), part.slice(eq + 1)];
      // Percent-decoding only: the gateway does not read "+" as a space.
      return [encodeRfc3986(decodeURIComponent(name)), encodeRfc3986(decodeURIComponent(value))] as const;
    })
    .sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : 1) : a < b ? -1 : 1))
    .map(([n, v]) => `${n}=${v}`)
    .join("&");
  const uri = path
    .split("/")
    .map((s) => encodeRfc3986(decodeURIComponent(s)))
    .join("/");
  const headers = signedHeaders.map((name) => `${name}:${String(req.headers[name] ?? "").trim()}\n`).join("");
  const canonical = ["GET", uri.endsWith("/") ? uri : `${uri}/`, pairs, headers, signedHeaders.join(";"), sha256("")].join("\n");
  const stringToSign = `SDK-HMAC-SHA256\n${String(req.headers["x-sdk-date"])}\n${sha256(canonical)}`;
  return createHmac("sha256", sk).update(stringToSign).digest("hex");
}

let server: Server;
let baseUrl: string;
const seen: { rawUrl: string; isSignatureValid: boolean }[] = [];

before(async () => {
  server = createServer((req, res) => {
    const auth = /^SDK-HMAC-SHA256 Access=([^,]+), SignedHeaders=([^,]+), Signature=([0-9a-f]+)$/.exec(String(req.headers.authorization ?? ""));
    const isSignatureValid = Boolean(auth && auth[1] === AK && gatewaySignature(req, auth[2]!.split(";"), SK) === auth[3]);
    seen.push({ rawUrl: req.url ?? "", isSignatureValid });
    res.setHeader("content-type", "application/json");
    if (!isSignatureValid) {
      res.statusCode = 401;
      res.end(JSON.stringify({ error_code: "APIGW.0301", error_msg: "Incorrect IAM authentication information: verify aksk signature fail" }));
      return;
    }
    const orderId = new URL(req.url ?? "/", "http://gateway.test").searchParams.get("orderId");
    res.end(JSON.stringify({ resultCode: "MKT.0000", resultMsg: "Success.", orderInfo: { orderId } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("queryOrder against a gateway that checks the raw request line", () => {
  it("signs exactly the query it sends, for an orderId with a space, +, / and Chinese characters", async () => {
    const orderId = "CS 12+34/订单*测试";
    const answer = await queryOrder({ baseUrl, ak: AK, sk: SK }, orderId, `${orderId}-000001`);
    const last = seen.at(-1)!;
    assert.equal(last.isSignatureValid, true, `the gateway recomputed another signature for ${last.rawUrl}`);
    assert.equal(answer.orderInfo?.orderId, orderId, "the gateway read the same orderId back");
    assert.ok(!last.rawUrl.includes("+"), "a space is %20 and a plus %2B on the wire");
    assert.match(last.rawUrl, /orderId=CS%2012%2B34%2F%E8%AE%A2%E5%8D%95%2A%E6%B5%8B%E8%AF%95(&|$)/);
  });

  it("a plain orderId still passes, and a wrong SK is refused by the gateway", async () => {
    assert.equal((await queryOrder({ baseUrl, ak: AK, sk: SK }, "CS2207261447AUY4H")).resultCode, "MKT.0000");
    await assert.rejects(queryOrder({ baseUrl, ak: AK, sk: "not-the-sk" }, "CS2207261447AUY4H"), (e: unknown) => e instanceof OpenApiError && !e.isRetryable);
  });
});
