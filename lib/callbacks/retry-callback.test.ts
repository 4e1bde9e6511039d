// Re-running a stored callback, in-process on an embedded database: a call that
// failed (unknown instance) succeeds once the instance exists, the attempt is
// logged and linked; refused calls were never sealed and cannot be re-run.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, test } from "node:test";
import { prepareInProcessDatabase } from "@/lib/test-support/in-process-database";

const database = await prepareInProcessDatabase("kg-retry", { KOOGALLERY_ACCESS_KEY: "retry-test-key" });

const { closeDb, getDb, getRawSql } = await import("@/lib/db");
const { applyMigrations } = await import("@/lib/migrations");
const { handleSaasCallback } = await import("@/lib/callbacks/handle-saas-callback");
const { retryCallback } = await import("@/lib/callbacks/retry-callback");
const { buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { PortalError } = await import("@/lib/errors");

const URL_BASE = "http://portal.test/api/koogallery/saas";

async function send(body: Record<string, unknown>, key = "retry-test-key") {
  const req = buildV2BasicRequest({ baseUrl: URL_BASE, accessKey: key, body });
  const answer = await handleSaasCallback({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  return JSON.parse(answer.body) as Record<string, unknown>;
}

before(async () => {
  await applyMigrations(await getRawSql());
});
after(async () => {
  await closeDb();
  await database.drop();
});

test("a failed call succeeds when re-run after the cause is fixed, and the re-run is linked", async () => {
  const instanceId = randomUUID();
  const refresh = { activity: "refreshInstance", scene: "RENEWAL", instanceId, orderId: "CSRETRY1", orderLineId: "CSRETRY1-000001", expireTime: "20300101000000" };
  assert.equal((await send(refresh)).resultCode, "000003");
  const db = await getDb();
  const failed = await db.callbackLog.findFirstOrThrow({ where: { instanceId, resultCode: "000003" } });
  assert.ok(failed.requestSealed);

  assert.equal((await send({ activity: "newInstance", orderId: "CSRETRY0", orderLineId: "CSRETRY0-000001", businessId: instanceId })).resultCode, "000000");
  const retried = await retryCallback(failed.id, "staff:test");
  assert.equal(retried.resultCode, "000000");
  const row = await db.callbackLog.findUniqueOrThrow({ where: { id: retried.logId! } });
  assert.equal(row.retryOfId, failed.id);
  assert.equal(row.verification, "RETRY");
  const event = await db.instanceEvent.findFirstOrThrow({ where: { instanceId, kind: "RENEWAL" } });
  assert.equal(event.actor, "staff:test");

  // Re-running again is idempotent: same order, no second renewal.
  assert.equal((await retryCallback(failed.id, "staff:test")).resultCode, "000000");
  assert.equal(await db.instanceEvent.count({ where: { instanceId, kind: "RENEWAL" } }), 1);
});

test("a call that failed verification cannot be re-run", async () => {
  assert.equal((await send({ activity: "queryInstance", instanceId: "x" }, "wrong-key")).resultCode, "000001");
  const db = await getDb();
  const refused = await db.callbackLog.findFirstOrThrow({ where: { verification: "BAD_SIGNATURE" } });
  assert.equal(refused.requestSealed, null);
  await assert.rejects(retryCallback(refused.id, "staff:test"), (e: unknown) => e instanceof PortalError && e.code === "conflict");
  await assert.rejects(retryCallback(randomUUID(), "staff:test"), (e: unknown) => e instanceof PortalError && e.code === "not_found");
});
