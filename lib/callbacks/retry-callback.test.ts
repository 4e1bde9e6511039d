// Re-running a stored callback, in-process on an embedded database: a call that
// failed (unknown instance) succeeds once the instance exists, the attempt is
// logged and linked; refused calls were never sealed and cannot be re-run.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-retry", { KOOGALLERY_ACCESS_KEY: "retry-test-key" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { parseRetryBody, retryCallback } = await import("@/lib/callbacks/retry-callback");
const { buildV1GetRequest, buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { PortalError } = await import("@/lib/errors");
const { formatV1Timestamp } = await import("@/lib/koogallery/v1-auth-token");
const { freezeInstance } = await import("@/lib/instances/staff-actions");
const { getCallbackLog } = await import("@/lib/callbacks/get-callback-log");
const { ALL_CALLBACKS } = await import("@/lib/callbacks/callback-log-scope");

const URL_BASE = "http://portal.test/api/koogallery/saas";

async function send(body: Record<string, unknown>, key = "retry-test-key") {
  const req = buildV2BasicRequest({ baseUrl: URL_BASE, accessKey: key, body });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  return JSON.parse(answer.body) as Record<string, unknown>;
}

test("a failed call succeeds when re-run after the cause is fixed, and the re-run is linked", async () => {
  const instanceId = randomUUID();
  const refresh = {
    activity: "refreshInstance",
    scene: "RENEWAL",
    instanceId,
    orderId: "CSRETRY1",
    orderLineId: "CSRETRY1-000001",
    expireTime: "20300101000000",
  };
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

// ------------------------------------------------------------------ ordering (ADR 0006)

/** A V2 call signed at `agoMs` before now (inside the 60 s window), with its log row. */
async function sendAt(body: Record<string, unknown>, agoMs: number) {
  const req = buildV2BasicRequest({ baseUrl: URL_BASE, accessKey: "retry-test-key", body, timestamp: String(Date.now() - agoMs) });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  const db = await getDb();
  const log = await db.callbackLog.findFirstOrThrow({ orderBy: [{ receivedAt: "desc" }, { id: "desc" }], select: { id: true, handlerNote: true } });
  return { resultCode: String((JSON.parse(answer.body) as { resultCode: string }).resultCode), note: log.handlerNote ?? "", logId: log.id };
}

async function newActiveInstance(): Promise<string> {
  const instanceId = randomUUID();
  const orderId = `CS${randomUUID().slice(0, 10).toUpperCase()}`;
  assert.equal((await send({ activity: "newInstance", orderId, orderLineId: `${orderId}-000001`, businessId: instanceId })).resultCode, "000000");
  return instanceId;
}

const stateOf = async (instanceId: string) => (await (await getDb()).instance.findUniqueOrThrow({ where: { id: instanceId }, select: { state: true } })).state;

test("a status change sent before the last one applied is skipped (V2 and V1); staff actions do not move the mark", async () => {
  const instanceId = await newActiveInstance();
  const status = (s: "FREEZE" | "UNFREEZE") => ({ activity: "updateInstanceStatus", instanceId, status: s });
  assert.equal((await sendAt(status("FREEZE"), 20_000)).resultCode, "000000");
  assert.equal(await stateOf(instanceId), "FROZEN");
  assert.equal((await sendAt(status("UNFREEZE"), 10_000)).resultCode, "000000");
  assert.equal(await stateOf(instanceId), "ACTIVE");

  const late = await sendAt(status("FREEZE"), 15_000);
  assert.equal(late.resultCode, "000000", "answered success: KooGallery has nothing to re-send");
  assert.match(late.note, /skipped: older than the last applied status change/);
  assert.equal(await stateOf(instanceId), "ACTIVE", "the delayed freeze did not undo the newer unfreeze");

  // V1 (timeStamp in UTC): an expiry made before the unfreeze is skipped too.
  const v1 = buildV1GetRequest({
    baseUrl: URL_BASE,
    accessKey: "retry-test-key",
    params: { activity: "expireInstance", instanceId, orderId: "CSV1" },
    timeStamp: formatV1Timestamp(new Date(Date.now() - 12_000)),
  });
  const v1Answer = JSON.parse((await handleCall({ method: "GET", url: v1.url, headers: {}, rawBody: "" })).body) as { resultCode: string };
  assert.equal(v1Answer.resultCode, "000000");
  assert.equal(await stateOf(instanceId), "ACTIVE");

  // Staff are not KooGallery: their freeze leaves the mark where it was, and KooGallery's next (newer) call applies.
  const db = await getDb();
  const staff = await db.staffUser.create({ data: { email: `op-${randomUUID()}@example.com`, name: "Op", passwordHash: "x", role: "OPERATOR" } });
  const markBefore = (await db.instance.findUniqueOrThrow({ where: { id: instanceId } })).statusSentAt;
  await freezeInstance({ actor: { staffId: staff.id, email: staff.email }, instanceId });
  assert.equal((await db.instance.findUniqueOrThrow({ where: { id: instanceId } })).statusSentAt?.getTime(), markBefore?.getTime());
  assert.equal((await sendAt(status("UNFREEZE"), 5_000)).resultCode, "000000");
  assert.equal(await stateOf(instanceId), "ACTIVE");
});

test("a stale re-run is skipped: re-running a freeze made before the instance's last status change changes nothing", async () => {
  const instanceId = randomUUID();
  const failed = await sendAt({ activity: "updateInstanceStatus", instanceId, status: "FREEZE" }, 40_000);
  assert.equal(failed.resultCode, "000003", "the instance did not exist yet");
  const orderId = `CS${randomUUID().slice(0, 10).toUpperCase()}`;
  assert.equal((await send({ activity: "newInstance", orderId, orderLineId: `${orderId}-000001`, businessId: instanceId })).resultCode, "000000");
  assert.equal((await sendAt({ activity: "updateInstanceStatus", instanceId, status: "FREEZE" }, 20_000)).resultCode, "000000");
  assert.equal((await sendAt({ activity: "updateInstanceStatus", instanceId, status: "UNFREEZE" }, 10_000)).resultCode, "000000");

  const retried = await retryCallback(failed.logId, "staff:test");
  assert.equal(retried.resultCode, "000000");
  const row = await (await getDb()).callbackLog.findUniqueOrThrow({ where: { id: retried.logId! } });
  assert.match(row.handlerNote ?? "", /skipped: older than the last applied status change/, "the re-run keeps the original's time");
  assert.equal(await stateOf(instanceId), "ACTIVE");
});

// ------------------------------------------------------------------ re-applying a call that succeeded

test("Retry is for failed calls: a call that succeeded needs {reapply, reason}, which the new row records", async () => {
  const instanceId = await newActiveInstance();
  const ok = await sendAt({ activity: "updateInstanceStatus", instanceId, status: "FREEZE" }, 5_000);
  assert.equal(ok.resultCode, "000000");

  await assert.rejects(
    retryCallback(ok.logId, "staff:op@example.com"),
    (e: unknown) => e instanceof PortalError && e.code === "conflict" && e.status === 409 && /succeeded/.test(e.message) && /reapply/.test(e.message),
  );
  const db = await getDb();
  assert.equal(await db.callbackLog.count({ where: { retryOfId: ok.logId } }), 0, "refused before anything ran");

  const reason = "the merchant's app lost the freeze; apply it again";
  const result = await retryCallback(ok.logId, "staff:op@example.com", parseRetryBody({ reapply: true, reason: `  ${reason} ` }));
  assert.equal(result.resultCode, "000000");
  const row = await db.callbackLog.findUniqueOrThrow({ where: { id: result.logId! } });
  assert.deepEqual(
    row.verificationInfo,
    { retryOf: ok.logId, actor: "staff:op@example.com", reapply: true, reason },
    "who and why, in the re-run's own row (when: its receivedAt)",
  );

  // And in the audit trail, beside the other staff actions.
  const entry = await db.auditEntry.findFirstOrThrow({ where: { action: "callback.retry", subjectId: ok.logId } });
  assert.deepEqual(
    [entry.actor, entry.instanceId, entry.subjectType, entry.reason, entry.detail],
    ["staff:op@example.com", instanceId, "callback", reason, { logId: row.id, resultCode: "000000", reapply: true }],
  );

  const detail = await getCallbackLog(db, ALL_CALLBACKS, row.id);
  assert.equal(detail?.signature.isReapply, true);
  assert.equal(detail?.signature.retryActor, "staff:op@example.com");
  assert.equal(detail?.signature.reapplyReason, reason);
  assert.match(detail?.signature.summary ?? "", /applied again on purpose by staff:op@example\.com/);
  const forTenant = await getCallbackLog(db, { ...ALL_CALLBACKS, reader: "tenantAdmin" }, row.id);
  assert.equal(forTenant?.signature.retryActor, "merchant staff", "tenant admins are not told which staff member");
  assert.equal(forTenant?.signature.reapplyReason, null);
  assert.ok(!JSON.stringify(forTenant).includes("op@example.com"));

  // A plain retry records who ran it too.
  const failed = await sendAt({ activity: "updateInstanceStatus", instanceId: randomUUID(), status: "FREEZE" }, 1_000);
  const plain = await retryCallback(failed.logId, "staff:op@example.com", parseRetryBody(undefined));
  assert.deepEqual((await db.callbackLog.findUniqueOrThrow({ where: { id: plain.logId! } })).verificationInfo, {
    retryOf: failed.logId,
    actor: "staff:op@example.com",
  });
});

test("the retry body: {} or nothing for a retry; reapply needs a reason of at most 500 characters", () => {
  assert.deepEqual(parseRetryBody(undefined), {});
  assert.deepEqual(parseRetryBody({}), {});
  assert.deepEqual(parseRetryBody({ reapply: false }), {});
  assert.deepEqual(parseRetryBody({ reapply: true, reason: "why" }), { reapply: { reason: "why" } });
  const refused = (value: unknown, pattern: RegExp) =>
    assert.throws(
      () => parseRetryBody(value),
      (e: unknown) => e instanceof PortalError && e.code === "bad_request" && pattern.test(e.message),
    );
  refused({ reapply: true }, /reason is required/);
  refused({ reapply: true, reason: "   " }, /reason is required/);
  refused({ reapply: true, reason: "x".repeat(501) }, /reason must be at most 500 characters/);
  refused({ reapply: "yes", reason: "x" }, /reapply must be true or false/);
  refused({ force: true }, /unknown field "force"/);
  refused([], /body must be a JSON object/);
});
