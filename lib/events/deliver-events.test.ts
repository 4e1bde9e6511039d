// Delivering the outbox on a real database, to a real HTTP receiver in this
// process: which rows are claimed (due, head of their subject, not leased),
// what a lease that ran out allows, the retry schedule and FAILED after the
// last attempt, an endpoint's health and its disabling after three days of
// failures (rows with old timestamps), the signed body, and both secrets
// signing during a rotation.
import assert from "node:assert/strict";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { after, before, beforeEach, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

await prepareInProcessDatabase("kg-deliver", { KOOGALLERY_ACCESS_KEY: "deliver-test-basic-key-0123456789" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { writeEvents } = await import("@/lib/events/outbox");
const { sealSecret } = await import("@/lib/crypto/secret-box");
const { generateWebhookSecret } = await import("@/lib/webhooks/standard-webhooks");
const { takeHints } = await import("@/lib/events/delivery-hints");
const {
  attemptDelivery,
  claimDeliveries,
  deliverDueEvents,
  deliveryStatements,
  eventBody,
  kickDeliveries,
  recordAttempt,
  recordAttempts,
  retryDelayAfter,
  syncEnvEndpoint,
  ENV_ENDPOINT_ID,
  RESPONSE_HEAD_BYTES,
} = await import("@/lib/events/deliver-events");

type Received = { headers: IncomingHttpHeaders; body: string };

/** A receiver answering what `answer` says, recording every call. */
let received: Received[] = [];
let answer: (r: Received) => { status: number; body?: string; delayMs?: number } = () => ({ status: 204 });
let server: Server;
let receiverUrl = "";

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const r = { headers: req.headers, body };
      received.push(r);
      const a = answer(r);
      setTimeout(() => {
        res.writeHead(a.status, { "content-type": "text/plain" });
        res.end(a.body ?? "");
      }, a.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  receiverUrl = `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/hook`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const SECRET = generateWebhookSecret();
const SCHEDULE = [5_000, 300_000];

const at = new Date("2026-12-07T01:02:03.456Z");
const frozen = (instanceId: string, isTest = false) => ({
  type: "instance.frozen" as const,
  subject: { kind: "instance" as const, id: instanceId },
  isTest,
  data: { instanceId, state: "FROZEN" },
  occurredAt: at,
});

function opts(extra: Partial<Parameters<typeof deliverDueEvents>[2]> = {}) {
  return { retryScheduleMs: SCHEDULE, timeoutMs: 2_000, encryptionKey: getEnv().encryptionKey, envSecret: SECRET, ...extra };
}

async function addEndpoint(id: string, extra: Record<string, unknown> = {}) {
  const db = await getDb();
  await db.webhookEndpoint.create({
    data: { id, name: id, url: receiverUrl, eventTypes: [], secretEnc: sealSecret(SECRET, getEnv().encryptionKey), ...extra },
  });
}

/** Writes events one statement each (as verbs do), returns their ids in order. */
async function emit(...instanceIds: string[]): Promise<string[]> {
  const db = await getDb();
  for (const id of instanceIds) await writeEvents(db, [frozen(id)]);
  const rows = await db.merchantEvent.findMany({ orderBy: { seq: "asc" }, select: { id: true } });
  return rows.slice(-instanceIds.length).map((r) => r.id);
}

async function waitUntil(fn: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!fn()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Makes every pending delivery due now (instead of waiting out a delay). */
async function makeDue() {
  const db = await getDb();
  await db.webhookDelivery.updateMany({ where: { status: "PENDING" }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
}

const failed = { attemptedAt: new Date(), durationMs: 3, statusCode: 500, isSuccess: false, error: "HTTP 500", responseHead: "no" };
const succeeded = { attemptedAt: new Date(), durationMs: 3, statusCode: 200, isSuccess: true, error: null, responseHead: "ok" };

beforeEach(async () => {
  const db = await getDb();
  // The ids earlier tests wrote are gone with their events.
  takeHints(Date.now() + 60_000, Infinity);
  await db.merchantEvent.deleteMany({});
  await db.webhookEndpoint.deleteMany({});
  received = [];
  answer = () => ({ status: 204 });
});

describe("claiming", () => {
  test("due heads, at most the limit, each to one worker while its lease lasts", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    const ids = await emit("i-1", "i-2", "i-3");
    // Three subjects: in the order they fell due (equal times in any order), at most `limit` at a time.
    const first = await claimDeliveries(db, "w1", 2, 60_000);
    assert.equal(first.length, 2);
    assert.ok(first.every((d) => d.attempt === 1));
    const second = await claimDeliveries(db, "w2", 10, 60_000);
    assert.equal(second.length, 1, "a leased delivery is not claimed again");
    assert.deepEqual([...first, ...second].map((d) => d.eventId).sort(), [...ids].sort());
    assert.equal((await claimDeliveries(db, "w3", 10, 60_000)).length, 0);
  });

  test("only the head of each (endpoint, subject): a later event waits for the earlier one, other subjects do not", async () => {
    const db = await getDb();
    await addEndpoint("ep-a");
    await addEndpoint("ep-b");
    const [a1, a2, b1, a3] = await emit("inst-a", "inst-a", "inst-b", "inst-a");
    const claimed = await claimDeliveries(db, "w1", 10, 60_000);
    const pairs = (list: typeof claimed) => list.map((d) => `${d.endpointId}/${d.eventId}`).sort();
    assert.deepEqual(pairs(claimed), [`ep-a/${a1}`, `ep-a/${b1}`, `ep-b/${a1}`, `ep-b/${b1}`].sort());
    // The head failing keeps it PENDING: the later events of inst-a still wait, even when due and unleased.
    for (const d of claimed) await recordAttempt(db, d, "w1", d.eventId === a1 && d.endpointId === "ep-a" ? failed : succeeded, SCHEDULE);
    await makeDue();
    const next = await claimDeliveries(db, "w1", 10, 60_000);
    assert.deepEqual(pairs(next), [`ep-a/${a1}`, `ep-b/${a2}`].sort(), "ep-b moves on; ep-a retries its head");
    assert.equal(next.find((d) => d.endpointId === "ep-a")?.attempt, 2);
    for (const d of next) await recordAttempt(db, d, "w1", succeeded, SCHEDULE);
    assert.deepEqual(pairs(await claimDeliveries(db, "w1", 10, 60_000)), [`ep-a/${a2}`, `ep-b/${a3}`].sort());
  });

  test("a disabled endpoint's deliveries wait; a lease that ran out lets another worker take the delivery", async () => {
    const db = await getDb();
    await addEndpoint("ep-off");
    await emit("i-off");
    await db.webhookEndpoint.update({ where: { id: "ep-off" }, data: { isEnabled: false } });
    assert.equal((await claimDeliveries(db, "w1", 10, 60_000)).length, 0);
    await db.webhookEndpoint.update({ where: { id: "ep-off" }, data: { isEnabled: true } });
    const [d] = await claimDeliveries(db, "w1", 10, 60_000);
    assert.ok(d);
    assert.equal((await claimDeliveries(db, "w2", 10, 60_000)).length, 0);
    // The worker died: its lease ends (set in the past rather than waited for).
    await db.webhookDelivery.update({ where: { id: d.id }, data: { lockedUntil: new Date(Date.now() - 1000) } });
    const [again] = await claimDeliveries(db, "w2", 10, 60_000);
    assert.equal(again?.id, d.id);
    assert.equal(again?.eventId, d.eventId, "the same event, so the same webhook-id");
    assert.equal(again?.attempt, 2);
    assert.equal(await recordAttempt(db, d, "w1", succeeded, SCHEDULE), false, "the first worker no longer holds it");
    assert.equal(await recordAttempt(db, again, "w2", succeeded, SCHEDULE), true);
    const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: d.id }, include: { tries: true } });
    assert.equal(row.status, "DELIVERED");
    assert.equal(row.lockedBy, null);
    assert.equal(row.tries.length, 2, "both attempts are on record");
  });
});

describe("retries", () => {
  test("the schedule's delays, then FAILED after the last attempt, which frees the next event", async () => {
    const db = await getDb();
    assert.equal(retryDelayAfter(1, SCHEDULE), 5_000);
    assert.equal(retryDelayAfter(2, SCHEDULE), 300_000);
    assert.equal(retryDelayAfter(3, SCHEDULE), undefined);
    await addEndpoint("ep");
    const [e1, e2] = await emit("i-r", "i-r");
    const expectDelay = async (id: string, ms: number) => {
      const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id } });
      assert.equal(row.status, "PENDING");
      const delay = row.nextAttemptAt.getTime() - row.lastAttemptAt!.getTime();
      assert.ok(Math.abs(delay - ms) < 1000, `next attempt ${delay} ms after the last, expected ${ms}`);
    };
    const [c1] = await claimDeliveries(db, "w", 10, 60_000);
    assert.equal(c1?.eventId, e1);
    await recordAttempt(db, c1!, "w", failed, SCHEDULE);
    await expectDelay(c1!.id, 5_000);
    assert.equal((await claimDeliveries(db, "w", 10, 60_000)).length, 0, "not due before its delay");
    await makeDue();
    const [c2] = await claimDeliveries(db, "w", 10, 60_000);
    await recordAttempt(db, c2!, "w", failed, SCHEDULE);
    await expectDelay(c1!.id, 300_000);
    await makeDue();
    const [c3] = await claimDeliveries(db, "w", 10, 60_000);
    assert.equal(c3?.attempt, 3);
    await recordAttempt(db, c3!, "w", failed, SCHEDULE);
    const row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: c1!.id }, include: { tries: { orderBy: { attempt: "asc" } } } });
    assert.equal(row.status, "FAILED");
    assert.deepEqual(
      row.tries.map((t) => [t.attempt, t.statusCode, t.isSuccess]),
      [
        [1, 500, false],
        [2, 500, false],
        [3, 500, false],
      ],
    );
    const [next] = await claimDeliveries(db, "w", 10, 60_000);
    assert.equal(next?.eventId, e2, "a failed event no longer holds its subject back");
  });
});

describe("endpoint health", () => {
  const day = 24 * 60 * 60 * 1000;

  test("a failure marks failingSince once, a success clears it", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    await emit("h-1", "h-2", "h-3");
    const claimed = await claimDeliveries(db, "w", 10, 60_000);
    await recordAttempt(db, claimed[0]!, "w", failed, SCHEDULE);
    const since = (await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep" } })).failingSince;
    assert.ok(since);
    await recordAttempt(db, claimed[1]!, "w", failed, SCHEDULE);
    assert.equal((await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep" } })).failingSince?.getTime(), since.getTime(), "kept from the first failure");
    await recordAttempt(db, claimed[2]!, "w", succeeded, SCHEDULE);
    const ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep" } });
    assert.equal(ep.failingSince, null);
    assert.ok(ep.lastSuccessAt);
    assert.equal(ep.isEnabled, true);
  });

  test("a batch of attempts: each delivery settled, the endpoint's health decided by its latest attempt", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    await emit("b-1", "b-2", "b-3");
    const claimed = await claimDeliveries(db, "w", 10, 60_000);
    const later = (ms: number) => ({ ...succeeded, attemptedAt: new Date(Date.now() + ms) });
    const held = await recordAttempts(
      db,
      "w",
      [
        { delivery: claimed[0]!, result: { ...failed, attemptedAt: new Date() } },
        { delivery: claimed[1]!, result: later(10) },
        { delivery: claimed[2]!, result: { ...failed, attemptedAt: new Date(Date.now() + 20) } },
      ],
      SCHEDULE,
    );
    assert.equal(held.length, 3);
    const rows = await db.webhookDelivery.findMany({ where: { id: { in: claimed.map((d) => d.id) } } });
    assert.deepEqual(rows.map((r) => r.status).sort(), ["DELIVERED", "PENDING", "PENDING"]);
    assert.equal(await db.deliveryAttempt.count(), 3);
    let ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep" } });
    assert.ok(ep.lastSuccessAt, "a success in the batch");
    assert.ok(ep.failingSince, "but the latest attempt failed");
    await makeDue();
    const again = await claimDeliveries(db, "w", 10, 60_000);
    await recordAttempts(
      db,
      "w",
      again.map((delivery, i) => ({ delivery, result: i === again.length - 1 ? later(50) : { ...failed, attemptedAt: new Date() } })),
      SCHEDULE,
    );
    ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep" } });
    assert.equal(ep.failingSince, null, "the latest attempt succeeded");
  });

  test("failing for more than three days disables the endpoint; less does not", async () => {
    const db = await getDb();
    await addEndpoint("ep-old", { failingSince: new Date(Date.now() - 3 * day - 60_000) });
    await addEndpoint("ep-young", { failingSince: new Date(Date.now() - 2 * day) });
    await emit("d-1");
    const claimed = await claimDeliveries(db, "w", 10, 60_000);
    assert.equal(claimed.length, 2);
    for (const d of claimed) await recordAttempt(db, d, "w", failed, SCHEDULE);
    const old = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep-old" } });
    assert.equal(old.isEnabled, false);
    assert.ok(old.disabledAt);
    assert.match(old.disabledReason ?? "", /failed for 3 days/);
    const young = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: "ep-young" } });
    assert.equal(young.isEnabled, true);
    assert.equal(young.disabledAt, null);
    await makeDue();
    assert.deepEqual(
      (await claimDeliveries(db, "w", 10, 60_000)).map((d) => d.endpointId),
      ["ep-young"],
      "nothing more goes to a disabled endpoint",
    );
  });
});

describe("sending", () => {
  test("a signed POST of type, timestamp and data (test only for test events); 5xx retried with the same webhook-id", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    await writeEvents(db, [frozen("s-1"), frozen("s-2", true)]);
    let calls = 0;
    answer = () => (++calls <= 2 ? { status: 500, body: "x".repeat(3000) } : { status: 200, body: "thanks" });
    assert.equal(await deliverDueEvents(db, "w", opts()), 2);
    await makeDue();
    assert.equal(await deliverDueEvents(db, "w", opts()), 2);
    assert.equal(received.length, 4);
    const wh = new Webhook(SECRET);
    for (const r of received) wh.verify(r.body, r.headers as Record<string, string>);
    // The two events are about different instances and go out side by side: sorted by instance, then by arrival.
    const sent = received.map((r) => ({ id: r.headers["webhook-id"], body: JSON.parse(r.body) as { data: { instanceId: string } } }));
    const [live, liveAgain, test1, test2] = [...sent].sort((x, y) => x.body.data.instanceId.localeCompare(y.body.data.instanceId));
    assert.deepEqual(live!.body, { type: "instance.frozen", timestamp: "2026-12-07T01:02:03.456Z", data: { instanceId: "s-1", state: "FROZEN" } });
    assert.deepEqual(test1!.body, { type: "instance.frozen", timestamp: "2026-12-07T01:02:03.456Z", data: { instanceId: "s-2", state: "FROZEN" }, test: true });
    assert.equal(liveAgain!.id, live!.id);
    assert.equal(test2!.id, test1!.id);
    const events = await db.merchantEvent.findMany({ orderBy: { seq: "asc" } });
    assert.deepEqual([live!.id, test1!.id], [events[0]!.id, events[1]!.id], "webhook-id is the event id");
    const tries = await db.deliveryAttempt.findMany({ orderBy: [{ attemptedAt: "asc" }, { attempt: "asc" }] });
    assert.equal(tries.length, 4);
    const failedTry = tries.find((t) => !t.isSuccess)!;
    assert.equal(failedTry.statusCode, 500);
    assert.equal(failedTry.error, "HTTP 500");
    assert.equal(failedTry.responseHead, "x".repeat(RESPONSE_HEAD_BYTES), "the first 1 KiB of the answer");
    assert.equal(tries.find((t) => t.isSuccess)?.responseHead, "thanks");
    assert.equal(await db.webhookDelivery.count({ where: { status: "DELIVERED" } }), 2);
  });

  test("an unreachable endpoint is a failed attempt with the network error", async () => {
    const db = await getDb();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const addr = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await addEndpoint("ep-down", { url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}/gone` });
    await emit("n-1");
    await deliverDueEvents(db, "w", opts());
    const [t] = await db.deliveryAttempt.findMany();
    assert.equal(t?.isSuccess, false);
    assert.equal(t?.statusCode, null);
    assert.match(t?.error ?? "", /ECONNREFUSED/);
  });

  test("during a rotation both secrets sign; after it only the new one", async () => {
    const db = await getDb();
    const oldSecret = generateWebhookSecret();
    const key = getEnv().encryptionKey;
    const rotating = {
      secretEnc: sealSecret(SECRET, key),
      previousSecretEnc: sealSecret(oldSecret, key),
      previousSecretUntil: new Date(Date.now() + 60 * 60 * 1000),
    };
    await addEndpoint("ep-rot", rotating);
    await emit("rot-1");
    const [d] = await claimDeliveries(db, "w", 10, 60_000);
    const sent = await attemptDelivery(d!, opts());
    assert.equal(sent.isSuccess, true);
    const r = received.at(-1)!;
    assert.equal(String(r.headers["webhook-signature"]).split(" ").length, 2);
    assert.deepEqual(new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>), JSON.parse(r.body));
    assert.deepEqual(new Webhook(oldSecret).verify(r.body, r.headers as Record<string, string>), JSON.parse(r.body));

    await db.webhookEndpoint.update({ where: { id: "ep-rot" }, data: { previousSecretUntil: new Date(Date.now() - 1000) } });
    await db.webhookDelivery.update({ where: { id: d!.id }, data: { lockedUntil: null } });
    const [again] = await claimDeliveries(db, "w", 10, 60_000);
    await attemptDelivery(again!, opts());
    const r2 = received.at(-1)!;
    assert.equal(String(r2.headers["webhook-signature"]).split(" ").length, 1);
    new Webhook(SECRET).verify(r2.body, r2.headers as Record<string, string>);
    assert.throws(() => new Webhook(oldSecret).verify(r2.body, r2.headers as Record<string, string>));
  });

  test("the body is built from the stored event alone", () => {
    assert.equal(
      eventBody({ type: "tenant.synced", occurredAt: "2026-01-02T03:04:05.000Z", data: '{"tenantId": "t-1"}', isTest: false }),
      '{"type":"tenant.synced","timestamp":"2026-01-02T03:04:05.000Z","data":{"tenantId":"t-1"}}',
    );
  });
});

describe("the deliverer's statements", () => {
  /** Forgets the ids noted by writeEvents, as if they were old: the deliverer then finds the rows by a full claim. */
  const forgetWrittenIds = () => void takeHints(Date.now() + 60_000, Infinity);

  test("a burst of kicks while it works costs a few statements, not one claim per kick", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    await emit("burst-1");
    answer = () => ({ status: 204, delayMs: 300 });
    const before = deliveryStatements.total;
    const running = deliverDueEvents(db, "w", opts());
    // 150 commits in 150 ms, each kicking the deliverer (run-pipeline does after every callback).
    for (let i = 0; i < 150; i++) {
      kickDeliveries();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal(await running, 1);
    const statements = deliveryStatements.total - before;
    // The claim, at most one full claim per 200 ms for the kicks that named no new event, the record.
    assert.ok(statements <= 5, `${statements} statements for 150 kicks`);
    assert.equal(received.length, 1);
    assert.equal(await db.webhookDelivery.count({ where: { status: "DELIVERED" } }), 1);
  });

  test("the statement that records an event claims the next one of its subject", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    const ids = await emit("chain", "chain", "chain");
    forgetWrittenIds();
    const before = { ...deliveryStatements };
    assert.equal(await deliverDueEvents(db, "w", opts()), 3);
    assert.deepEqual(
      received.map((r) => r.headers["webhook-id"]),
      ids,
      "in order",
    );
    // A full claim finds the first; then each statement records one event and claims the next: no claim of its own.
    assert.equal(deliveryStatements.full - before.full, 1);
    assert.equal(deliveryStatements.total - before.total, 4);
  });

  test("events written while it runs are claimed by id, without a full claim", async () => {
    const db = await getDb();
    await addEndpoint("ep");
    await emit("slow-1");
    forgetWrittenIds();
    answer = (r) => ({ status: 204, delayMs: r.body.includes("slow-1") ? 400 : 0 });
    const before = { ...deliveryStatements };
    const running = deliverDueEvents(db, "w", opts());
    await waitUntil(() => received.length === 1);
    await emit("fast-1", "fast-2");
    kickDeliveries();
    assert.equal(await running, 3);
    assert.equal(deliveryStatements.full - before.full, 1, "only the first claim walked the pending deliveries");
    assert.equal(await db.webhookDelivery.count({ where: { status: "DELIVERED" } }), 3);
  });
});

describe("the env endpoint", () => {
  test("created from MERCHANT_WEBHOOK_URL, updated, disabled when the variable is gone and enabled when it is back", async () => {
    const db = await getDb();
    assert.equal(await syncEnvEndpoint(db, {}), "none");
    assert.equal(await syncEnvEndpoint(db, { url: receiverUrl }), "created");
    assert.equal(await syncEnvEndpoint(db, { url: receiverUrl }), "unchanged");
    let ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: ENV_ENDPOINT_ID } });
    assert.equal(ep.isFromEnv, true);
    assert.equal(ep.secretEnc, null, "its secret is never stored");
    await emit("env-1");
    await deliverDueEvents(db, "w", opts());
    new Webhook(SECRET).verify(received[0]!.body, received[0]!.headers as Record<string, string>);

    assert.equal(await syncEnvEndpoint(db, {}), "disabled");
    ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: ENV_ENDPOINT_ID } });
    assert.equal(ep.isEnabled, false);
    assert.equal(await syncEnvEndpoint(db, { url: `${receiverUrl}/v2` }), "updated");
    ep = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: ENV_ENDPOINT_ID } });
    assert.equal(ep.isEnabled, true);
    assert.equal(ep.url, `${receiverUrl}/v2`);
    assert.equal(ep.disabledReason, null);
  });
});
