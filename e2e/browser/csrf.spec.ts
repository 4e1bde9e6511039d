// Cross-site request forgery against the portal's APIs, as the security review
// reproduced it: a page on another origin of the same site (another port of
// 127.0.0.1 here, a merchant's app on a sibling subdomain in production) makes
// a signed-in owner's browser create an OWNER account, once with a text/plain
// no-cors fetch and once with a text/plain form posted into an iframe. Neither
// needs a CORS preflight, and SameSite=Lax lets the session cookie ride both.
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, fromPortalPage, signInAsStaff, test } from "./fixtures";

const escapeAttribute = (s: string) => s.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

function newAccount(label: string) {
  return {
    email: `${label}-${randomBytes(4).toString("hex")}@example.com`,
    name: "Mallory",
    role: "owner",
    password: `Pw-${randomBytes(12).toString("base64url")}`,
  };
}

/**
 * The attacker's page. The form's one field is named so that text/plain's
 * `name=value` makes the whole body JSON: {"email":…,"pad":"="}.
 */
function attackerHtml(portalOrigin: string, byFetch: object, byForm: object): string {
  const fieldName = `${JSON.stringify(byForm).slice(0, -1)},"pad":"`;
  return `<!doctype html>
<html><head><title>Cat pictures</title></head><body>
<iframe name="sink" title="sink"></iframe>
<form id="attack" method="post" enctype="text/plain" target="sink" action="${portalOrigin}/api/portal/staff">
  <input type="hidden" name="${escapeAttribute(fieldName)}" value="&quot;}">
</form>
<script>
  fetch(${JSON.stringify(`${portalOrigin}/api/portal/staff`)}, { method: "POST", mode: "no-cors", credentials: "include",
    headers: { "content-type": "text/plain" }, body: ${JSON.stringify(JSON.stringify(byFetch))} });
  document.getElementById("attack").submit();
</script>
</body></html>`;
}

let attacker: Server;
let attackerOrigin = "";
let html = "";

test.beforeAll(async () => {
  attacker = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    res.end(html);
  });
  await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
  attackerOrigin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => attacker.close(resolve));
});

test("a page on another origin of the same site cannot make a signed-in owner create accounts", async ({ page, world }) => {
  const byFetch = newAccount("csrf-fetch");
  const byForm = newAccount("csrf-form");
  html = attackerHtml(world.portal.baseUrl, byFetch, byForm);
  expect(attackerOrigin).not.toBe(world.portal.baseUrl);

  await signInAsStaff(page, world.owner.email, world.owner.password);
  const attempts: { type: string; status: number }[] = [];
  page.on("response", (res) => {
    const req = res.request();
    if (req.method() === "POST" && res.url() === `${world.portal.baseUrl}/api/portal/staff`)
      attempts.push({ type: req.headers()["content-type"] ?? "", status: res.status() });
  });
  await page.goto(attackerOrigin);
  // Both requests reached the portal (with the owner's cookie) and were refused.
  await expect.poll(() => attempts.length, { timeout: 15_000 }).toBe(2);
  expect(attempts.map((a) => a.type.split(";")[0]).sort()).toEqual(["text/plain", "text/plain"]);
  expect(attempts.map((a) => a.status)).toEqual([403, 403]);

  await page.goto("/portal");
  const listed = (await (await page.request.get("/api/portal/staff")).json()) as { items: { email: string }[] };
  const emails = listed.items.map((s) => s.email);
  expect(emails).toContain(world.owner.email);
  expect(emails).not.toContain(byFetch.email);
  expect(emails).not.toContain(byForm.email);

  // The portal's own pages still change things: a same-origin JSON fetch, as components/portal/queries.ts sends it.
  const ours = { ...newAccount("same-origin"), role: "viewer", name: "Vera Viewer" };
  const created = await page.evaluate(async (body) => {
    const res = await fetch("/api/portal/staff", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(body),
    });
    return { status: res.status, json: await res.json() };
  }, ours);
  expect(created.status).toBe(201);
  expect(created.json).toMatchObject({ email: ours.email, role: "VIEWER" });
  // The same request as text/plain, even from our own page, is not JSON.
  const plain = await page.evaluate(
    async (body) => (await fetch("/api/portal/staff", { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(body) })).status,
    newAccount("plain"),
  );
  expect(plain).toBe(415);
  // And Playwright's own requests, which carry no Origin, are refused as well unless they say where they come from.
  expect((await page.request.post("/api/portal/staff", { data: newAccount("no-origin") })).status()).toBe(403);
  expect(
    (await page.request.post("/api/portal/staff", { data: { ...newAccount("with-origin"), role: "viewer" }, headers: fromPortalPage(page) })).status(),
  ).toBe(201);
});
