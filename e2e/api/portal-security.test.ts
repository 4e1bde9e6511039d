// The portal's web-facing defences over real HTTP, against the production
// server (server.ts → Next.js): security headers on pages, request
// forgery refused by the portal APIs, body limits enforced while reading,
// sessions that end 12 hours after sign-in or when a staff account's role
// changes. Runs against PGlite or PostgreSQL (TEST_DB).
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { after, before, describe, test } from "node:test";
import { decode, encode } from "next-auth/jwt";
import { startPortal, type Portal } from "../fixtures/portal";

const OWNER = { email: `owner-${randomBytes(3).toString("hex")}@example.com`, password: `Owner-${randomBytes(12).toString("base64url")}` };
const NEXTAUTH_SECRET = randomBytes(32).toString("base64url");
const SESSION_COOKIE = "next-auth.session-token";

let portal: Portal;
before(async () => {
  portal = await startPortal({ PORTAL_OWNER_EMAIL: OWNER.email, PORTAL_OWNER_PASSWORD: OWNER.password, NEXTAUTH_SECRET });
});
after(async () => {
  await portal?.close();
});

/** Cookies as a browser keeps them for one origin (names and values only). */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  keep(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair!.indexOf("=");
      const name = pair!.slice(0, at);
      const value = pair!.slice(at + 1);
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  get(name: string): string | undefined {
    return this.cookies.get(name);
  }
  set(name: string, value: string): void {
    this.cookies.set(name, value);
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
}

/** Staff sign-in as the login page does it: CSRF token, then the credentials form. */
async function signIn(email: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await fetch(`${portal.baseUrl}/api/auth/csrf`);
  jar.keep(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${portal.baseUrl}/api/auth/callback/staff`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: jar.header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${portal.baseUrl}/portal` }),
  });
  jar.keep(res);
  await res.arrayBuffer();
  assert.ok(jar.get(SESSION_COOKIE), `signed in as ${email} (callback answered ${res.status})`);
  return jar;
}

async function me(jar: CookieJar): Promise<number> {
  const res = await fetch(`${portal.baseUrl}/api/portal/me`, { headers: { cookie: jar.header() } });
  await res.arrayBuffer();
  return res.status;
}

/** A write from the portal's own pages, as components/portal/queries.ts sends it. */
function fromPortal(jar: CookieJar, method: string, body: unknown): RequestInit {
  return { method, headers: { cookie: jar.header(), origin: portal.baseUrl, "content-type": "application/json" }, body: JSON.stringify(body) };
}

function newStaff(role: string) {
  return {
    email: `${role}-${randomBytes(4).toString("hex")}@example.com`,
    name: `Test ${role}`,
    role,
    password: `Pw-${randomBytes(12).toString("base64url")}`,
  };
}

/** A request body streamed in chunks without a Content-Length (chunked), as a client that never says its size. */
function chunked(url: string, headers: Record<string, string>, totalBytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: "POST", headers: { ...headers, "transfer-encoding": "chunked" } }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => (body += d.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may stop reading and answer early: a write after that is not an error of the test.
    req.on("error", reject);
    let sent = 0;
    const chunk = Buffer.alloc(16 * 1024, 0x20);
    const pump = () => {
      while (sent < totalBytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("security headers", () => {
  test("pages carry CSP, X-Frame-Options, Referrer-Policy and nosniff; no HSTS on http", async () => {
    for (const path of ["/login", "/signed-out", "/api/health"]) {
      const res = await fetch(`${portal.baseUrl}${path}`);
      await res.arrayBuffer();
      const csp = res.headers.get("content-security-policy") ?? "";
      for (const directive of [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "frame-ancestors 'none'",
      ]) {
        assert.ok(csp.split(/;\s*/).includes(directive), `${path}: ${directive} in ${csp}`);
      }
      assert.doesNotMatch(csp, /unsafe-eval/, "no eval in production");
      assert.doesNotMatch(csp, /form-action/, "sign-in posts on to each tenant's identity provider");
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
      assert.equal(res.headers.get("referrer-policy"), "strict-origin-when-cross-origin", path);
      assert.equal(res.headers.get("x-content-type-options"), "nosniff", path);
      assert.equal(res.headers.get("strict-transport-security"), null, path);
    }
    // The stand-in application's URL carries the hand-off token: it keeps its no-referrer.
    const app = await fetch(`${portal.baseUrl}/app/some-instance?kg_token=x`);
    const html = await app.text();
    assert.equal(app.headers.get("referrer-policy"), "no-referrer");
    assert.match(html, /<meta name="referrer" content="no-referrer"/);
    assert.equal(app.headers.get("x-frame-options"), "DENY");
  });
});

describe("request forgery", () => {
  test("a signed-in owner's cookie does not make a text/plain or cross-origin write work", async () => {
    const jar = await signIn(OWNER.email, OWNER.password);
    const url = `${portal.baseUrl}/api/portal/staff`;
    const forged = newStaff("owner");
    const attempts: [string, Record<string, string>, number][] = [
      [
        "text/plain from another port (a no-cors fetch)",
        { origin: "http://127.0.0.1:1", "content-type": "text/plain;charset=UTF-8", "sec-fetch-site": "same-site" },
        403,
      ],
      [
        "text/plain form post from another port",
        { origin: "http://127.0.0.1:1", "content-type": "text/plain", "sec-fetch-site": "same-site", "sec-fetch-mode": "navigate" },
        403,
      ],
      ["JSON from another origin", { origin: "https://evil.example.com", "content-type": "application/json" }, 403],
      ["JSON that says nothing of where it comes from", { "content-type": "application/json" }, 403],
      ["text/plain from our own origin", { origin: portal.baseUrl, "content-type": "text/plain" }, 415],
    ];
    for (const [what, headers, status] of attempts) {
      const res = await fetch(url, { method: "POST", headers: { ...headers, cookie: jar.header() }, body: JSON.stringify(forged) });
      const answer = (await res.json()) as { error?: { message?: string } };
      assert.equal(res.status, status, what);
      assert.ok(answer.error?.message, `${what}: a JSON message`);
    }
    const listed = (await (await fetch(url, { headers: { cookie: jar.header() } })).json()) as { items: { email: string }[] };
    assert.ok(!listed.items.some((s) => s.email === forged.email), "no account was created");
    // The portal's own pages still work, with or without a charset.
    const ours = newStaff("viewer");
    const created = await fetch(url, fromPortal(jar, "POST", ours));
    assert.equal(created.status, 201, await created.text());
    const viaFetchMetadata = await fetch(url, {
      method: "PATCH",
      headers: { cookie: jar.header(), "sec-fetch-site": "same-origin", "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ email: ours.email, role: "operator" }),
    });
    assert.equal(viaFetchMetadata.status, 200, await viaFetchMetadata.text());
  });
});

describe("body limits", () => {
  test("next-auth's routes refuse a body over 16 KiB while reading it; a sign-in form still works", async () => {
    const url = `${portal.baseUrl}/api/auth/callback/staff`;
    const big = new URLSearchParams({ email: OWNER.email, password: "x".repeat(1024 * 1024) }).toString();
    const declared = await fetch(url, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: big });
    assert.equal(declared.status, 413, await declared.text());
    const streamed = await chunked(url, { "content-type": "application/x-www-form-urlencoded" }, 4 * 1024 * 1024);
    assert.equal(streamed.status, 413, streamed.body);
    assert.match(streamed.body, /at most 16 KiB/);
    assert.equal(await me(await signIn(OWNER.email, OWNER.password)), 200);
  });

  test("portal APIs refuse a JSON body over 64 KiB while reading it", async () => {
    const jar = await signIn(OWNER.email, OWNER.password);
    const url = `${portal.baseUrl}/api/portal/staff`;
    const big = await fetch(url, fromPortal(jar, "POST", { ...newStaff("viewer"), name: "x".repeat(100 * 1024) }));
    assert.equal(big.status, 413, await big.text());
    const streamed = await chunked(url, { cookie: jar.header(), origin: portal.baseUrl, "content-type": "application/json" }, 4 * 1024 * 1024);
    assert.equal(streamed.status, 413, streamed.body);
    assert.match(streamed.body, /at most 64 KiB/);
  });
});

describe("sessions", () => {
  test("a session ends 12 hours after its sign-in, however often it was used", async () => {
    const jar = await signIn(OWNER.email, OWNER.password);
    assert.equal(await me(jar), 200);
    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: NEXTAUTH_SECRET });
    assert.ok(token && typeof token.signedInAt === "number");
    // The same session, as if signed in 12 hours ago and read (so re-issued) ever since.
    const old = new CookieJar();
    old.set(SESSION_COOKIE, await encode({ token: { ...token, signedInAt: token.signedInAt - 12 * 60 * 60 - 5 }, secret: NEXTAUTH_SECRET }));
    assert.equal(await me(old), 401);
    const session = await fetch(`${portal.baseUrl}/api/auth/session`, { headers: { cookie: old.header() } });
    assert.deepEqual(await session.json(), {}, "/api/auth/session reports no session");
    const page = await fetch(`${portal.baseUrl}/portal`, { headers: { cookie: old.header() }, redirect: "manual" });
    assert.doesNotMatch(await page.text(), new RegExp(OWNER.email.replace(/[.+]/g, "\\$&")), "no portal page for it either");
    assert.equal(await me(jar), 200, "the real session is still fine");
  });

  test("changing a staff account's role signs its existing sessions out", async () => {
    const owner = await signIn(OWNER.email, OWNER.password);
    const operator = newStaff("operator");
    assert.equal((await fetch(`${portal.baseUrl}/api/portal/staff`, fromPortal(owner, "POST", operator))).status, 201);
    const session = await signIn(operator.email, operator.password);
    assert.equal(await me(session), 200);
    const demoted = await fetch(`${portal.baseUrl}/api/portal/staff`, fromPortal(owner, "PATCH", { email: operator.email, role: "viewer" }));
    assert.equal(demoted.status, 200, await demoted.text());
    assert.equal(await me(session), 401);
    assert.equal(await me(await signIn(operator.email, operator.password)), 200, "signing in again works, with the new role");
  });
});

describe("HSTS", () => {
  test("with an https public URL every page says Strict-Transport-Security", async () => {
    await portal.restart({ PORTAL_PUBLIC_URL: "https://portal.example.test" });
    for (const path of ["/login", "/api/health"]) {
      const res = await fetch(`${portal.baseUrl}${path}`);
      await res.arrayBuffer();
      assert.equal(res.headers.get("strict-transport-security"), "max-age=31536000", path);
      assert.equal(res.headers.get("x-frame-options"), "DENY", path);
    }
  });
});
