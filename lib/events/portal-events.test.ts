// What the events and webhooks pages do, on a real database: endpoints added
// with a secret shown once and sealed, rotated (both secrets sign for 24 h,
// checked by delivering to a real receiver), re-enabled, deleted; the events
// list's filters, paging and tenant scope; an event's attempts as staff and as
// a tenant admin read them; resending one event and every failed delivery of
// a range after a dry run.
import assert from "node:assert/strict";
import { after, before, beforeEach, describe, test } from "node:test";
import { Webhook } from "standardwebhooks";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";
import { startMockServer, type MockServer } from "../../e2e/fixtures/mock-server";

await prepareInProcessDatabase("kg-portal-events", { KOOGALLERY_ACCESS_KEY: "portal-events-basic-key-0123456789" }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { getEnv } = await import("@/lib/env");
const { PortalError } = await import("@/lib/errors");
const { writeEvents } = await import("@/lib/events/outbox");
const { deliverDueEvents, ENV_ENDPOINT_ID } = await import("@/lib/events/deliver-events");
const {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  endpointChangeSchema,
  listWebhookEndpoints,
  newEndpointSchema,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} = await import("@/lib/events/webhook-endpoints");
const { eventFilterFromSearchParams, eventViewerScope, getEvent, listEvents } = await import("@/lib/events/event-reads");
const { parseBulkResendBody, resendEvent, resendFailedInRange } = await import("@/lib/events/resend");

// The merchant's receiver: answers `status` (and, refusing, a body the staff see the head of), recording every call.
let status = 204;
let receiver: MockServer;
let receiverUrl = "";
const received = () => receiver.calls;

before(async () => {
  receiver = await startMockServer();
  receiver.reply(() => ({ status, body: status >= 300 ? "receiver says no: internal detail" : "" }));
  receiverUrl = `${receiver.url}/hook?token=abc123`;
});
after(() => receiver.close());

const STAFF = { kind: "staff" as const, staffId: "s1", email: "owner@example.com", name: "Owner", role: "OWNER" as const };
const admin = (tenantId: string) => ({
  kind: "buyer" as const,
  tenantId,
  userName: "ann",
  name: "Ann",
  role: "admin" as const,
  orgCode: "1",
  tenantRowIds: [],
});

const at = (minute: number) => new Date(Date.UTC(2026, 11, 7, 1, minute));
const frozen = (instanceId: string, minute: number, isTest = false) => ({
  type: "instance.frozen" as const,
  subject: { kind: "instance" as const, id: instanceId },
  isTest,
  data: { instanceId, state: "FROZEN" },
  occurredAt: at(minute),
});
const tenantSynced = (tenantId: string, minute: number) => ({
  type: "tenant.synced" as const,
  subject: { kind: "tenant" as const, id: tenantId },
  tenantId,
  isTest: false,
  data: { tenantId, name: "Acme" },
  occurredAt: at(minute),
});

function deliveryOpts() {
  return { retryScheduleMs: [5_000], timeoutMs: 2_000, encryptionKey: getEnv().encryptionKey };
}

beforeEach(async () => {
  const db = await getDb();
  await db.merchantEvent.deleteMany();
  await db.webhookEndpoint.deleteMany();
  await db.tenant.deleteMany();
  receiver.calls.length = 0;
  status = 204;
});

describe("webhook endpoints", () => {
  test("a new endpoint's secret is shown once, sealed in the row, and never listed; query values are hidden", async () => {
    const db = await getDb();
    const created = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "owner@example.com");
    assert.match(created.shownOnce.secret, /^whsec_[A-Za-z0-9+/]+=*$/);
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.endpoint.id } });
    assert.ok(row.secretEnc && !row.secretEnc.includes(created.shownOnce.secret.slice(6)), "the secret is stored sealed");
    const listed = await listWebhookEndpoints(db);
    assert.equal(listed.length, 1);
    assert.equal(listed[0]!.url, receiverUrl.replace("?token=abc123", "?…"));
    assert.ok(!JSON.stringify(listed).includes(created.shownOnce.secret.slice(6)));
    assert.ok(!JSON.stringify(listed).includes("abc123"));
    assert.deepEqual(listed[0]!.eventTypes, []);
  });

  test("addresses and filters are validated", () => {
    assert.equal(newEndpointSchema.safeParse({ name: "x", url: "ftp://example.com/hook" }).success, false);
    assert.equal(newEndpointSchema.safeParse({ name: "x", url: "https://user:pw@example.com/hook" }).success, false);
    assert.equal(newEndpointSchema.safeParse({ name: "x", url: "https://example.com/hook", eventTypes: ["instance.exploded"] }).success, false);
    assert.deepEqual(
      newEndpointSchema.parse({ name: "x", url: "https://example.com/h", eventTypes: ["order.notified", "instance.created", "order.notified"] }).eventTypes,
      ["instance.created", "order.notified"],
    );
    assert.equal(endpointChangeSchema.safeParse({ secretEnc: "x" }).success, false, "unknown fields are refused");
  });

  test("rotating keeps the old secret signing beside the new one for 24 h", async () => {
    const db = await getDb();
    const first = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    const before = Date.now();
    const rotated = await rotateWebhookSecret(db, getEnv(), first.endpoint.id);
    assert.notEqual(rotated.shownOnce.secret, first.shownOnce.secret);
    const until = new Date(rotated.endpoint.previousSecretUntil!).getTime();
    assert.ok(until >= before + 24 * 3600_000 - 1000 && until <= Date.now() + 24 * 3600_000 + 1000);
    await writeEvents(db, [frozen("i-rot", 1)]);
    await deliverDueEvents(db, "w1", deliveryOpts());
    assert.equal(received().length, 1);
    const { headers, body } = received()[0]!;
    for (const secret of [first.shownOnce.secret, rotated.shownOnce.secret]) new Webhook(secret).verify(body, headers as Record<string, string>);
  });

  test("the environment's endpoint keeps its address and secret; enabling again starts its health afresh and sends what waited", async () => {
    const db = await getDb();
    await db.webhookEndpoint.create({ data: { id: ENV_ENDPOINT_ID, name: "MERCHANT_WEBHOOK_URL", url: receiverUrl, isFromEnv: true, eventTypes: [] } });
    const refused = (p: Promise<unknown>) => assert.rejects(p, (e: unknown) => e instanceof PortalError && e.status === 409);
    await refused(updateWebhookEndpoint(db, ENV_ENDPOINT_ID, { url: "https://elsewhere.example.com/" }));
    await refused(rotateWebhookSecret(db, getEnv(), ENV_ENDPOINT_ID));
    await refused(deleteWebhookEndpoint(db, ENV_ENDPOINT_ID));
    const filtered = await updateWebhookEndpoint(db, ENV_ENDPOINT_ID, { eventTypes: ["instance.frozen"] });
    assert.deepEqual(filtered.eventTypes, ["instance.frozen"]);

    const created = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    // An event that waited while the endpoint was disabled: its retry is far ahead.
    await writeEvents(db, [frozen("i-en", 2)]);
    await db.webhookDelivery.updateMany({ where: { endpointId: created.endpoint.id }, data: { attempts: 3, nextAttemptAt: new Date(Date.now() + 3600_000) } });
    await db.webhookEndpoint.update({
      where: { id: created.endpoint.id },
      data: { isEnabled: false, disabledAt: new Date(), disabledReason: "every attempt failed for 3 days", failingSince: new Date(Date.now() - 4 * 86400_000) },
    });
    const enabled = await updateWebhookEndpoint(db, created.endpoint.id, { isEnabled: true });
    assert.equal(enabled.isEnabled, true);
    assert.equal(enabled.disabledAt, null);
    assert.equal(enabled.failingSince, null);
    const waited = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: created.endpoint.id } });
    assert.ok(waited.nextAttemptAt.getTime() <= Date.now(), "what waited goes now");
    const row = await db.webhookEndpoint.findUniqueOrThrow({ where: { id: created.endpoint.id } });
    assert.equal(row.disabledReason, null);
  });

  test("deleting an endpoint deletes its deliveries, not the events", async () => {
    const db = await getDb();
    const created = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    await writeEvents(db, [frozen("i-del", 3)]);
    assert.equal(await db.webhookDelivery.count(), 1);
    assert.deepEqual(await deleteWebhookEndpoint(db, created.endpoint.id), { deleted: true });
    assert.equal(await db.webhookDelivery.count(), 0);
    assert.equal(await db.merchantEvent.count(), 1);
    await assert.rejects(deleteWebhookEndpoint(db, created.endpoint.id), (e: unknown) => e instanceof PortalError && e.status === 404);
  });
});

describe("the events list and one event", () => {
  test("filters, test events hidden unless asked, keyset pages, and health figures", async () => {
    const db = await getDb();
    const ep = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    await writeEvents(db, [frozen("i-1", 1), frozen("i-2", 2), frozen("i-3", 3, true), tenantSynced("t-1", 4)]);
    status = 500;
    await deliverDueEvents(db, "w1", deliveryOpts());
    const scope = await eventViewerScope(db, STAFF);
    const page = (params: Record<string, string>) => listEvents(db, scope, eventFilterFromSearchParams(new URLSearchParams(params)));

    assert.deepEqual(
      (await page({})).items.map((e) => e.subjectId),
      ["t-1", "i-2", "i-1"],
    );
    assert.equal((await page({ test: "1" })).items.length, 4);
    assert.deepEqual((await page({ type: "tenant.synced" })).items.map((e) => e.id).length, 1);
    assert.deepEqual(
      (await page({ subjectId: "i-2" })).items.map((e) => e.subjectId),
      ["i-2"],
    );
    assert.deepEqual(
      (await page({ from: at(2).toISOString(), to: at(4).toISOString(), test: "1" })).items.map((e) => e.subjectId),
      ["i-3", "i-2"],
    );
    const retrying = await page({ status: "pending", endpointId: ep.endpoint.id });
    assert.equal(retrying.items.length, 3);
    assert.deepEqual(
      retrying.items[0]!.deliveries.map((d) => [d.endpointName, d.status, d.attempts, d.lastStatus]),
      [["App", "PENDING", 1, 500]],
    );
    assert.equal((await page({ status: "delivered" })).items.length, 0);

    const first = await listEvents(db, scope, { limit: 2 });
    assert.equal(first.items.length, 2);
    const second = await listEvents(db, scope, { limit: 2, cursor: first.nextCursor! });
    assert.deepEqual(
      second.items.map((e) => e.subjectId),
      ["i-1"],
    );
    assert.equal(second.nextCursor, null);

    assert.throws(() => eventFilterFromSearchParams(new URLSearchParams({ type: "nope" })), /type is not an event type/);
    assert.throws(() => eventFilterFromSearchParams(new URLSearchParams({ status: "lost" })), /status must be one of/);
    assert.throws(() => eventFilterFromSearchParams(new URLSearchParams({ from: "yesterday" })), /from must be an ISO-8601 time/);

    const [health] = await listWebhookEndpoints(db);
    assert.deepEqual(
      { pending: health!.health.pending, failed: health!.health.failed, attempts: health!.health.attempts24h, ok: health!.health.successes24h },
      { pending: 4, failed: 0, attempts: 4, ok: 0 },
    );
    assert.ok(health!.failingSince, "a failing endpoint says since when");
  });

  test("a tenant admin reads their enterprise's and bound instances' events, without the receiver's answers", async () => {
    const db = await getDb();
    await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    const tenant = await db.tenant.create({ data: { tenantId: "t-a", instanceKey: "i-a", tenantCode: "a", name: "A", domainName: "a.example.com" } });
    await db.tenantInstance.create({ data: { tenantRowId: tenant.id, instanceId: "i-a" } });
    await writeEvents(db, [frozen("i-a", 1), frozen("i-b", 2), tenantSynced("t-a", 3), tenantSynced("t-b", 4)]);
    status = 500;
    await deliverDueEvents(db, "w1", deliveryOpts());

    const scope = await eventViewerScope(db, admin("t-a"));
    const mine = await listEvents(db, scope, {});
    assert.deepEqual(mine.items.map((e) => e.subjectId).sort(), ["i-a", "t-a"]);
    const theirs = (await listEvents(db, await eventViewerScope(db, STAFF), { subjectId: "i-b" })).items[0]!;
    await assert.rejects(getEvent(db, getEnv(), scope, theirs.id, true), (e: unknown) => e instanceof PortalError && e.status === 404);

    const own = mine.items.find((e) => e.subjectId === "i-a")!;
    const asAdmin = await getEvent(db, getEnv(), scope, own.id, true);
    const attempt = asAdmin.deliveries[0]!.attemptList[0]!;
    assert.equal(attempt.statusCode, 500);
    assert.equal(attempt.responseHead, null);
    assert.doesNotMatch(attempt.error ?? "", /HTTP 500|internal detail/);
    assert.equal(asAdmin.canResend, false);
    const asStaff = await getEvent(db, getEnv(), await eventViewerScope(db, STAFF), own.id, true);
    assert.equal(asStaff.deliveries[0]!.attemptList[0]!.responseHead, JSON.stringify("receiver says no: internal detail"));
    assert.equal(asStaff.deliveries[0]!.attemptList[0]!.error, "HTTP 500");
    assert.deepEqual(asStaff.data, { instanceId: "i-a", state: "FROZEN" });
    assert.equal(asStaff.canResend, true);
  });
});

describe("resending", () => {
  test("one event: failed and delivered deliveries start over, a new endpoint gets it, the same webhook-id goes out", async () => {
    const db = await getDb();
    const scope = await eventViewerScope(db, STAFF);
    const ep = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "App", url: receiverUrl }), "o");
    await writeEvents(db, [frozen("i-r", 1)]);
    const [event] = (await listEvents(db, scope, {})).items;
    await db.webhookDelivery.updateMany({ data: { status: "FAILED", attempts: 8, lastStatus: 500 } });

    const again = await resendEvent(db, scope, event!.id);
    assert.equal(again.requeued, 1);
    const row = await db.webhookDelivery.findFirstOrThrow({ where: { eventId: event!.id } });
    assert.deepEqual([row.status, row.attempts, row.lockedBy], ["PENDING", 0, null]);
    await deliverDueEvents(db, "w1", deliveryOpts());
    assert.equal(received().length, 1);
    assert.equal(received()[0]!.headers["webhook-id"], event!.id);

    const second = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "Second", url: receiverUrl }), "o");
    const toBoth = await resendEvent(db, scope, event!.id);
    assert.equal(toBoth.requeued, 2, "the delivered one again, and the endpoint added since");
    await deliverDueEvents(db, "w1", deliveryOpts());
    assert.equal(received().length, 3);
    assert.ok(received().every((r) => r.headers["webhook-id"] === event!.id));

    await updateWebhookEndpoint(db, second.endpoint.id, { isEnabled: false });
    const onlyFirst = await resendEvent(db, scope, event!.id, { endpointId: ep.endpoint.id });
    assert.equal(onlyFirst.requeued, 1);
    const toDisabled = await resendEvent(db, scope, event!.id, { endpointId: second.endpoint.id });
    assert.match(toDisabled.message, /Not sent while disabled: Second/);

    await assert.rejects(resendEvent(db, await eventViewerScope(db, admin("t-x")), event!.id), (e: unknown) => e instanceof PortalError && e.status === 404);
    await assert.rejects(resendEvent(db, scope, "msg_missing"), (e: unknown) => e instanceof PortalError && e.status === 404);
  });

  test("an event no enabled endpoint takes is a 409", async () => {
    const db = await getDb();
    const scope = await eventViewerScope(db, STAFF);
    await writeEvents(db, [frozen("i-none", 1)]);
    const [event] = (await listEvents(db, scope, {})).items;
    await assert.rejects(resendEvent(db, scope, event!.id), (e: unknown) => e instanceof PortalError && e.status === 409);
  });

  test("every failed delivery of a range: the dry run counts per endpoint and changes nothing, the run queues them", async () => {
    const db = await getDb();
    const a = await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "A", url: receiverUrl }), "o");
    await createWebhookEndpoint(db, getEnv(), newEndpointSchema.parse({ name: "B", url: receiverUrl }), "o");
    await writeEvents(db, [frozen("i-1", 1), frozen("i-2", 2), frozen("i-3", 30)]);
    await db.webhookDelivery.updateMany({ data: { status: "FAILED", attempts: 8 } });
    const range = { from: at(0).toISOString(), to: at(10).toISOString() };

    const dry = await resendFailedInRange(db, parseBulkResendBody({ ...range, dryRun: true }));
    assert.equal(dry.count, 4);
    assert.deepEqual(
      dry.byEndpoint.map((e) => [e.name, e.count]),
      [
        ["A", 2],
        ["B", 2],
      ],
    );
    assert.match(dry.message, /4 failed deliveries would be sent again: 2 to A, 2 to B/);
    assert.equal(await db.webhookDelivery.count({ where: { status: "FAILED" } }), 6);

    const run = await resendFailedInRange(db, parseBulkResendBody({ ...range, endpointId: a.endpoint.id, dryRun: false }));
    assert.equal(run.count, 2);
    assert.equal(await db.webhookDelivery.count({ where: { status: "PENDING", attempts: 0 } }), 2);
    assert.equal(await db.webhookDelivery.count({ where: { status: "FAILED" } }), 4);

    const bad = (body: unknown, pattern: RegExp) =>
      assert.throws(
        () => parseBulkResendBody(body),
        (e: unknown) => e instanceof PortalError && pattern.test(e.message),
      );
    bad({ ...range }, /dryRun/);
    bad({ from: range.to, to: range.from, dryRun: true }, /to must be after from/);
    bad({ from: "2026-01-01T00:00:00Z", to: "2026-03-01T00:00:00Z", dryRun: true }, /at most 31 days/);
    bad({ ...range, dryRun: true, type: "instance.exploded" }, /not an event type/);
    bad({ ...range, dryRun: true, everything: true }, /everything/);
  });
});
