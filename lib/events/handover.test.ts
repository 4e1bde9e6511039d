// A new instance's first event, claimed by the statement that writes it and
// handed over to this process's deliverer once that statement has committed
// (lib/events/outbox.ts eventCtes' handOver): only once the deliverer has run
// here, sent with the same body and signature as any attempt, and retried like
// any other delivery when it fails. In-process on a real database (embedded
// PGlite; TEST_DB=postgres for PostgreSQL) with a local receiver.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

type Received = { headers: IncomingHttpHeaders; body: string };
const received: Received[] = [];
let status = 204;
const receiver = createServer((req, res) => {
  let body = "";
  req.on("data", (c: Buffer) => (body += c.toString()));
  req.on("end", () => {
    received.push({ headers: req.headers, body });
    res.writeHead(status).end();
  });
});
await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
after(() => receiver.close());

const KEY = "handover-test-basic-key-0123456789";
const SECRET = `whsec_${Buffer.from("handover-test-secret-0123456789ab").toString("base64")}`;
await prepareInProcessDatabase(
  "kg-handover",
  {
    KOOGALLERY_ACCESS_KEY: KEY,
    MERCHANT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
    MERCHANT_WEBHOOK_SECRET: SECRET,
  },
  { migrate: true },
);

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { writeEvents } = await import("@/lib/events/outbox");
const { deliverDueEvents, deliverEventsSource, deliveryOptionsOf, eventBody, syncEnvEndpoint } = await import("@/lib/events/deliver-events");

let db: Awaited<ReturnType<typeof getDb>>;
// In the first test rather than a before hook of this file, which ran before the migrations had finished on PostgreSQL.
let isReady = false;
async function ready(): Promise<void> {
  if (isReady) return;
  db = await getDb();
  await syncEnvEndpoint(db, getEnv().webhooks);
  isReady = true;
}
const WORKER = "handover-test-worker";
const options = () => Object.assign(deliveryOptionsOf(getEnv()), { retryScheduleMs: [60_000] });

/** A signed V2 newInstance of a new order; returns the instance id. */
async function newInstance(): Promise<string> {
  await ready();
  const instanceId = randomUUID();
  const orderId = `CS${randomUUID().slice(0, 10).toUpperCase()}`;
  const body = { activity: "newInstance", orderId, orderLineId: `${orderId}-000001`, businessId: instanceId };
  const req = buildV2BasicRequest({ baseUrl: "http://portal.test/api/koogallery/saas", accessKey: KEY, body });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  assert.equal((JSON.parse(answer.body) as { resultCode: string }).resultCode, "000000", "provisioned at once (builtin adapter)");
  return instanceId;
}

const deliveryOf = (instanceId: string) =>
  db.webhookDelivery.findFirstOrThrow({ where: { event: { subjectId: instanceId, type: "instance.created" } }, include: { event: true, tries: true } });

test("before this process's deliverer has run, a new instance's event waits to be claimed like any other", async () => {
  const id = await newInstance();
  const d = await deliveryOf(id);
  assert.equal(d.lockedBy, null);
  assert.equal(d.attempts, 0);
  // The worker's source: delivers it, and from now on this process has a deliverer to hand deliveries to.
  await deliverEventsSource(options).run(db, WORKER);
  assert.equal((await deliveryOf(id)).status, "DELIVERED");
});

test("then the statement that creates an instance claims its event's delivery, handed over once committed", async () => {
  received.length = 0;
  const id = await newInstance();
  const claimed = await deliveryOf(id);
  assert.equal(claimed.lockedBy, WORKER, "claimed by the statement that wrote it");
  assert.equal(claimed.attempts, 1, "the attempt is counted at the claim");
  assert.ok(claimed.lockedUntil && claimed.lockedUntil > new Date(), "leased");

  await deliverDueEvents(db, WORKER, options());
  const d = await deliveryOf(id);
  assert.equal(d.status, "DELIVERED");
  assert.deepEqual(
    d.tries.map((t) => [t.attempt, t.statusCode]),
    [[1, 204]],
  );
  const sent = received.filter((r) => r.headers["webhook-id"] === d.eventId);
  assert.equal(sent.length, 1);
  // Built from what the statement returned: the same bytes a later attempt builds from the stored event.
  assert.equal(
    sent[0]!.body,
    eventBody({ type: d.event.type, occurredAt: d.event.occurredAt.toISOString(), data: JSON.stringify(d.event.data), isTest: d.event.isTest }),
  );
  new Webhook(SECRET).verify(sent[0]!.body, sent[0]!.headers as Record<string, string>);
});

test("a handed-over delivery that fails is retried by a claim, under the same webhook-id", async () => {
  received.length = 0;
  status = 503;
  const id = await newInstance();
  await deliverDueEvents(db, WORKER, options());
  const failed = await deliveryOf(id);
  assert.equal(failed.status, "PENDING");
  assert.equal(failed.lockedBy, null, "the lease is given back");
  assert.ok(failed.nextAttemptAt > new Date(Date.now() + 30_000), "due after the schedule's delay");

  status = 204;
  await db.webhookDelivery.update({ where: { id: failed.id }, data: { nextAttemptAt: new Date(Date.now() - 1000) } });
  await deliverDueEvents(db, WORKER, options());
  const d = await deliveryOf(id);
  assert.equal(d.status, "DELIVERED");
  assert.deepEqual(d.tries.map((t) => [t.attempt, t.statusCode]).sort(), [
    [1, 503],
    [2, 204],
  ]);
  assert.deepEqual(
    received.map((r) => r.headers["webhook-id"]),
    [d.eventId, d.eventId],
  );
});

test("an event about an existing subject is not claimed as it is written: an earlier one may be ahead of it", async () => {
  const id = await newInstance();
  await deliverDueEvents(db, WORKER, options());
  await writeEvents(db, [{ type: "instance.frozen", subject: { kind: "instance", id }, isTest: false, data: { instanceId: id }, occurredAt: new Date() }]);
  const frozen = await db.webhookDelivery.findFirstOrThrow({ where: { event: { subjectId: id, type: "instance.frozen" } } });
  assert.equal(frozen.lockedBy, null);
  assert.equal(frozen.attempts, 0);
});
