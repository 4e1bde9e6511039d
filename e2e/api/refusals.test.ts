// What a stranger without any key costs (ADR 0007), over real HTTP: calls the
// path and headers already refuse are answered without their bodies being
// read; a refused call's log row keeps a few KiB of its body with its size
// and SHA-256; past the per-client refusal budget refusals are counted, not
// stored, and the counts reach the log as one summary row (written at the
// latest on shutdown); a verified call is never throttled. Each client here is
// told apart by X-Forwarded-For (the portal trusts one proxy hop).
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { after, before, describe, test } from "node:test";
import { buildKitV2Request, buildV1GetRequest, buildV2BasicRequest } from "../../lib/koogallery/signer";
import { startPortal, type Portal } from "../fixtures/portal";

const BUDGET = 10;
let portal: Portal;
before(async () => {
  portal = await startPortal({ TRUSTED_PROXY_HOPS: "1", CALLBACK_REFUSALS_LOGGED_PER_MINUTE: String(BUDGET) });
});
after(async () => {
  await portal?.close();
});

type Sent = { status: number; json: Record<string, unknown>; connection: string | undefined };

/** node:http, so an answer that arrives while the body is still being sent is read, not lost to EPIPE. */
function send(url: string, opts: { method?: string; headers?: Record<string, string>; body?: Buffer | string; client: string }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const body = opts.body === undefined ? undefined : Buffer.from(opts.body);
    const headers = {
      "x-forwarded-for": opts.client,
      ...(body ? { "content-type": "application/json", "content-length": String(body.length) } : {}),
      ...opts.headers,
    };
    const req = http.request(url, { method: opts.method ?? "POST", headers, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown>, connection: res.headers.connection }));
      res.on("error", reject);
    });
    // The server may answer and close before the whole body is sent: that is the point. An answer read before
    // the reset still counts; a connection that closes with no answer at all fails the test instead of hanging it.
    let ignored: string | undefined;
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ECONNRESET") ignored = error.code;
      else reject(error);
    });
    req.on("close", () => setTimeout(() => reject(new Error(`the connection closed without an answer${ignored ? ` (${ignored})` : ""}`)), 1000));
    req.end(body);
  });
}

const MIB = 1024 * 1024;
/** Valid JSON, the expensive kind of junk. */
function junk(bytes: number): Buffer {
  const user = '{"userName":"someone","name":"张三","orgCode":"org","role":"user","enable":"true","password":"hunter2"},';
  const users = user.repeat(Math.ceil(bytes / Buffer.byteLength(user)));
  return Buffer.from(`{"tenantId":"junk","userList":[${users.slice(0, -1)}]}`);
}

type LogRow = {
  endpoint: string;
  verification: string;
  resultCode: string;
  requestMasked: Record<string, unknown>;
  verificationInfo: Record<string, unknown> | null;
  handlerNote: string | null;
  stored: number;
};

async function logsOf(client: string): Promise<LogRow[]> {
  return portal.query<LogRow>(
    `SELECT endpoint, verification, "resultCode", "requestMasked", "verificationInfo", "handlerNote", pg_column_size(l.*) AS stored
       FROM "CallbackLog" l WHERE "requestMasked"->>'client' = $1 ORDER BY "receivedAt"`,
    [client],
  );
}

const kitUrl = (name: string, v2 = true) => `${portal.saasUrl}/produceAPI/${v2 ? "v2/" : ""}${name}`;
const fresh = () => ({ "x-timestamp": String(Date.now()), "x-nonce": randomBytes(16).toString("hex"), "x-sign": randomBytes(32).toString("hex") });

describe("refused from the path and headers alone", () => {
  const client = "198.51.100.10";
  const big = junk(15 * MIB);

  test("each answers the documented code without reading the body", async () => {
    const { "x-sign": _s, ...noSign } = fresh();
    const { "x-nonce": _n, ...noNonce } = fresh();
    const cases: Array<[string, () => Promise<Sent>]> = [
      ["000002", () => send(kitUrl("deleteEverything"), { client, body: big, headers: fresh() })],
      ["000001", () => send(kitUrl("tenantSync"), { client, body: big, headers: noSign })],
      ["000002", () => send(kitUrl("tenantSync"), { client, body: big, headers: noNonce })],
      ["000002", () => send(kitUrl("tenantSync"), { client, body: big, headers: { ...fresh(), "x-timestamp": String(Date.now() - 120_000) } })],
      ["000001", () => send(kitUrl("tenantSync", false), { client, body: big })],
      ["000002", () => send(portal.saasUrl, { client, body: big })],
    ];
    for (const [code, sent] of cases) {
      const a = await sent();
      assert.equal(a.status, 200);
      assert.equal(a.json.resultCode, code);
    }
  });

  test("a body larger than any endpoint takes is not drained: the answer comes at once and the connection closes", async () => {
    const a = await new Promise<Sent>((resolve, reject) => {
      const req = http.request(
        kitUrl("tenantSync"),
        {
          method: "POST",
          agent: false,
          headers: { "x-forwarded-for": "198.51.100.11", "content-type": "application/json", "content-length": String(100 * MIB) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (c: string) => (text += c));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown>, connection: res.headers.connection }));
        },
      );
      req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
      // One MiB of the hundred announced, then nothing more: the answer must not wait for the rest.
      req.write(Buffer.alloc(MIB, 0x20));
    });
    assert.deepEqual([a.status, a.json.resultCode, a.connection], [200, "000002", "close"]);
  });

  test("a V1 GET that carries a body is 000002", async () => {
    const req = buildV1GetRequest({ baseUrl: portal.saasUrl, accessKey: portal.keys.accessKey, params: { activity: "queryInstance", instanceId: "x" } });
    const a = await send(req.url, { client, method: "GET", body: '{"a":1}' });
    assert.equal(a.json.resultCode, "000002");
    assert.equal(a.json.resultMsg, "a V1 call is a GET without a body");
  });

  test("their log rows hold the declared size and no body: nothing of it was read", async () => {
    const rows = await logsOf(client);
    assert.equal(rows.length, 7);
    for (const r of rows.slice(0, 6)) {
      assert.equal(r.requestMasked.body, null);
      assert.equal(r.requestMasked.bodyBytes, big.length);
      assert.equal(r.requestMasked.bodySha256, undefined, "never read, so never hashed");
      assert.ok(r.stored < 4096, `row of ${r.stored} bytes`);
    }
    assert.deepEqual(
      rows.map((r) => [r.endpoint, r.verification]),
      [
        ["kit/deleteEverything", "MALFORMED"],
        ["kit/tenantSync", "MISSING_CREDENTIALS"],
        ["kit/tenantSync", "MISSING_CREDENTIALS"],
        ["kit/tenantSync", "BAD_TIMESTAMP"],
        ["kit/tenantSync", "MISSING_CREDENTIALS"],
        ["saas", "MISSING_CREDENTIALS"],
        ["saas", "MALFORMED"],
      ],
    );
  });
});

describe("a body read and refused", () => {
  const client = "198.51.100.20";
  const big = junk(15 * MIB);

  test("15 MiB of JSON with a made-up signature is 000001; its row keeps 2 KiB, masked, with size and SHA-256", async () => {
    const a = await send(kitUrl("authSync"), { client, body: big, headers: fresh() });
    assert.equal(a.json.resultCode, "000001");
    const [row] = await logsOf(client);
    assert.equal(row?.verification, "BAD_SIGNATURE");
    assert.equal(row?.verificationInfo?.checkedOffThread, true, "checked on the worker thread, never parsed on the event loop");
    assert.equal(row?.requestMasked.bodyBytes, big.length);
    assert.equal(row?.requestMasked.bodySha256, createHash("sha256").update(big).digest("hex"));
    const body = row?.requestMasked.body as { excerpt: string; isTruncated: boolean };
    assert.ok(body.isTruncated && body.excerpt.length <= 2048);
    assert.ok(!body.excerpt.includes("hunter2"), "masked like any other log");
    assert.ok((row?.stored ?? Infinity) < 8192, `row of ${row?.stored} bytes`);
  });

  test("a signed call with a body over the limit is refused too large, its size logged", async () => {
    const req = buildKitV2Request({
      baseUrl: portal.saasUrl,
      kitName: "tenantSync",
      accessKey: portal.keys.kitAccessKey,
      body: { tenantId: "t", padding: "x".repeat(17 * MIB) },
    });
    const a = await send(req.url, { client, body: req.body, headers: req.headers });
    assert.equal(a.json.resultCode, "000002");
    const rows = await logsOf(client);
    const tooLarge = rows.find((r) => r.verification === "TOO_LARGE");
    assert.ok(tooLarge && (tooLarge.requestMasked.bodyBytes as number) > 16 * MIB && tooLarge.requestMasked.body === null);
  });
});

describe("the refusal budget", () => {
  const client = "203.0.113.50";

  test(`past ${BUDGET} refusals a client's calls are still answered, but only counted; its verified calls are never throttled`, async () => {
    for (let i = 0; i < BUDGET + 7; i++) {
      const a = await send(portal.saasUrl, { client, body: '{"activity":"queryInstance","instanceId":"x"}' });
      assert.equal(a.json.resultCode, "000002");
    }
    const req = buildV2BasicRequest({
      baseUrl: portal.saasUrl,
      accessKey: portal.keys.accessKey,
      body: { activity: "queryInstance", instanceId: "no-such-instance" },
    });
    const verified = await send(req.url, { client, body: req.body, headers: req.headers });
    assert.equal(verified.json.resultCode, "000003", "verified and answered, not refused");
  });

  test("the counted refusals reach the log as one summary row (on shutdown at the latest)", async () => {
    await portal.restart();
    const rows = await logsOf(client);
    const individual = rows.filter((r) => r.verification === "MISSING_CREDENTIALS");
    const counted = rows.filter((r) => r.verification === "COUNTED");
    assert.equal(individual.length, BUDGET);
    assert.equal(counted.length, 1);
    assert.deepEqual(
      [counted[0]?.endpoint, counted[0]?.resultCode, counted[0]?.verificationInfo?.count, counted[0]?.verificationInfo?.outcomes],
      ["saas", "000002", 7, { MISSING_CREDENTIALS: 7 }],
    );
    assert.match(counted[0]?.handlerNote ?? "", /^7 refused calls from 203\.0\.113\.50/);
    assert.ok(
      rows.some((r) => r.verification === "OK"),
      "the verified call was logged in full",
    );
  });
});
