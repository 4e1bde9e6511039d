// The endpoint registry is the route table: every catalog route is served by
// the production server's router and by a Next.js route file (which answers
// it, logged under the endpoint's name), and no route file serves a path the
// catalog does not have. e2e/api/endpoint-routes.test.ts calls every route on
// the running production server.
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-endpoints", { KOOGALLERY_ACCESS_KEY: "endpoints-test-key" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { ENDPOINT_CATALOG, resolveRoute } = await import("@/lib/callbacks/endpoint-catalog");
const { endpointDefinitionOf } = await import("@/lib/callbacks/endpoints");
const { callbackRouteOf, serveNextCallback } = await import("@/lib/callbacks/serve-callback");

const APP = path.join(process.cwd(), "app");

/** The route file Next.js would pick for a path: a static folder first, then a dynamic `[segment]`. */
function routeFileOf(urlPath: string): string | undefined {
  let dir = APP;
  for (const segment of urlPath.split("/").filter(Boolean)) {
    const exact = path.join(dir, segment);
    if (isDir(exact)) {
      dir = exact;
      continue;
    }
    const dynamic = readdirSync(dir).find((name) => /^\[[^.\]]+\]$/.test(name) && isDir(path.join(dir, name)));
    if (!dynamic) return undefined;
    dir = path.join(dir, dynamic);
  }
  const file = path.join(dir, "route.ts");
  return isFile(file) ? file : undefined;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function routeFilesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    if (isDir(p)) return routeFilesUnder(p);
    return name === "route.ts" ? [p] : [];
  });
}

const routes = ENDPOINT_CATALOG.flatMap((entry) => entry.routes.map((route) => ({ entry, route })));

test("every catalog endpoint has a definition with an activity table for each generation it routes", () => {
  for (const entry of ENDPOINT_CATALOG) {
    const def = endpointDefinitionOf(entry.name);
    assert.ok(def, entry.name);
    for (const route of entry.routes) {
      assert.deepEqual(
        Object.keys(def.activities[route.generation]).sort(),
        [...entry.activities[route.generation]].sort(),
        `${entry.name} ${route.generation}`,
      );
    }
  }
});

test("the production server's router serves every catalog route (with or without a trailing slash)", () => {
  for (const { entry, route } of routes) {
    for (const p of [route.path, `${route.path}/`]) {
      const served = callbackRouteOf(p, route.method);
      assert.equal(served?.endpoint, entry.name, `${route.method} ${p}`);
      assert.equal(served?.generation, route.generation, `${route.method} ${p}`);
      assert.equal(served?.maxBodyBytes, entry.maxBodyBytes);
    }
  }
  // Nothing else is a callback, except unknown Kit names (answered 000002 under their own name).
  assert.equal(callbackRouteOf("/api/koogallery/saas", "PUT"), undefined);
  assert.equal(callbackRouteOf("/api/koogallery/other", "POST"), undefined);
  assert.deepEqual(resolveRoute("/api/koogallery/saas/produceAPI/v2/deleteEverything", "POST"), { unknownKit: { name: "deleteEverything", generation: "V2" } });
  assert.deepEqual(resolveRoute("/api/koogallery/saas/produceAPI/v2", "POST"), { unknownKit: { name: "v2", generation: "V1" } });
  for (const p of [
    "/api/koogallery/saas/produceAPI",
    "/api/koogallery/saas/produceAPI/v2/a/b",
    "/produceAPI/v2/tenantSync",
    "/api/koogallery/saas/produceAPI/%E0%A4%A",
  ]) {
    assert.equal(resolveRoute(p, "POST"), undefined, p);
  }
});

test("a Next.js route file serves every catalog route: it answers the call and logs it under the endpoint's name", async () => {
  const db = await getDb();
  for (const { entry, route } of routes) {
    const file = routeFileOf(route.path);
    assert.ok(file, `no route file for ${route.path}`);
    const mod = (await import(file)) as Record<string, unknown>;
    assert.equal(mod[route.method], serveNextCallback, `${path.relative(APP, file)} exports ${route.method}`);
    const before = await db.callbackLog.count({ where: { endpoint: entry.name, generation: route.generation } });
    // No credentials: refused from the headers, answered 200 JSON with a documented code, logged.
    const res = await serveNextCallback(new Request(`http://portal.test${route.path}`, { method: route.method }));
    assert.equal(res.status, 200);
    assert.ok(res.headers.get("body-sign"), "the answer is signed");
    const body = (await res.json()) as { resultCode: string };
    assert.ok(["000001", "000002"].includes(body.resultCode), `${route.method} ${route.path}: ${body.resultCode}`);
    assert.equal(await db.callbackLog.count({ where: { endpoint: entry.name, generation: route.generation } }), before + 1);
  }
});

test("no route file under app/api/koogallery serves a path the catalog does not have", async () => {
  const known = new Set(routes.map(({ route }) => routeFileOf(route.path)));
  for (const file of routeFilesUnder(path.join(APP, "api", "koogallery"))) {
    assert.ok(known.has(file), `${path.relative(APP, file)} is not in the endpoint catalog`);
    const mod = (await import(file)) as Record<string, unknown>;
    const urlPath = `/${path.relative(APP, path.dirname(file)).split(path.sep).join("/")}`;
    for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE"]) {
      if (mod[method] === undefined) continue;
      const served = routes.some(({ route }) => route.method === method && routeFileOf(route.path) === file);
      assert.ok(served, `${urlPath} exports ${method}, which no catalog route uses`);
    }
  }
});
