// Every route of the endpoint catalog, over real HTTP on the production server
// (server.ts in front of the Next.js build): a call without credentials is
// answered by the callback pipeline (HTTP 200 JSON, signed, a documented code)
// and logged under the endpoint's name. lib/callbacks/endpoints.test.ts checks
// the same routes against the Next.js route files.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ENDPOINT_CATALOG } from "../../lib/callbacks/endpoint-catalog";
import { startPortal, type Portal } from "../fixtures/portal";

let portal: Portal;
before(async () => {
  portal = await startPortal();
});
after(async () => {
  await portal?.close();
});

test("the production server answers every catalog route through the callback pipeline", async () => {
  for (const entry of ENDPOINT_CATALOG) {
    for (const route of entry.routes) {
      const res = await fetch(`${portal.baseUrl}${route.path}`, { method: route.method });
      assert.equal(res.status, 200, `${route.method} ${route.path}`);
      assert.ok(res.headers.get("body-sign"), `${route.method} ${route.path} is signed`);
      const body = (await res.json()) as { resultCode: string };
      assert.ok(["000001", "000002"].includes(body.resultCode), `${route.method} ${route.path}: ${body.resultCode}`);
      const rows = await portal.query<{ n: number }>(`SELECT count(*)::int AS n FROM "CallbackLog" WHERE endpoint = $1 AND generation = $2::"Generation"`, [
        entry.name,
        route.generation,
      ]);
      assert.ok((rows[0]?.n ?? 0) >= 1, `${route.method} ${route.path} is logged as ${entry.name} ${route.generation}`);
    }
  }
});
