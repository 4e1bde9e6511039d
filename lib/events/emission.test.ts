// Every lifecycle change writes its merchant event with the change, through the
// real callback pipeline on a real database (embedded PGlite; a throw-away
// PostgreSQL database with TEST_DB=postgres): the lifecycle of an instance
// (V2 and V1) and each Kit sync give exactly their events, in order, with the
// ids and the new state; a repeat gives none; a test call's events are test
// events; a refused or failed call writes none; no secret is in any event.
import assert from "node:assert/strict";
import { generateKeyPairSync, randomUUID } from "node:crypto";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";
import { newOrder, v2Purchase } from "../../e2e/fixtures/koogallery";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const BASIC_KEY = "emission-basic-key-0123456789";
const KIT_KEY = "emission-kit-key-0123456789";
const { dataDir } = await prepareInProcessDatabase("kg-emission", { KOOGALLERY_ACCESS_KEY: BASIC_KEY, KOOGALLERY_KIT_ACCESS_KEY: KIT_KEY }, { migrate: true });
const { privateKey, publicKey } = generateKeyPairSync("rsa", {
  modulusLength: 3072,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
writeFileSync(path.join(dataDir, "rsa.pem"), privateKey);
process.env.KOOGALLERY_RSA_PRIVATE_KEY_FILE = path.join(dataDir, "rsa.pem");

const { getDb } = await import("@/lib/db");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { buildV1GetRequest, buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { sendKitCall } = await import("@/testing/support/send-kit-call");
const { encryptClientSecret } = await import("@/lib/koogallery/rsa-oaep");
const { freezeInstance, unfreezeInstance } = await import("@/lib/instances/staff-actions");
type KitName = import("@/lib/koogallery/schemas").KitName;

const URL_BASE = "http://portal.test/api/koogallery/saas";

type Event = { type: string; subjectId: string; orderingKey: string; tenantId: string | null; isTest: boolean; data: Record<string, unknown> };

/** A signed V2 call; `nonce` to send the very same call again. */
async function v2(body: Record<string, unknown>, opts: { key?: string; nonce?: string; timestamp?: string } = {}): Promise<string> {
  const req = buildV2BasicRequest({ baseUrl: URL_BASE, accessKey: opts.key ?? BASIC_KEY, body, nonce: opts.nonce, timestamp: opts.timestamp });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  return String((JSON.parse(answer.body) as { resultCode: string }).resultCode);
}

async function v1(params: Record<string, string>): Promise<string> {
  const req = buildV1GetRequest({ baseUrl: URL_BASE, accessKey: BASIC_KEY, params });
  const answer = await handleCall({ method: "GET", url: req.url, headers: {}, rawBody: "" });
  return String((JSON.parse(answer.body) as { resultCode: string }).resultCode);
}

async function kit(kitName: KitName, body: Record<string, unknown>): Promise<string> {
  return (await sendKitCall({ kitName, accessKey: KIT_KEY, body: { timeStamp: "20261201100000000", ...body } })).resultCode;
}

async function eventsAbout(subjectId: string): Promise<Event[]> {
  const db = await getDb();
  const rows = await db.merchantEvent.findMany({ where: { subjectId }, orderBy: { seq: "asc" } });
  return rows.map((r) => ({
    type: r.type,
    subjectId: r.subjectId,
    orderingKey: r.orderingKey,
    tenantId: r.tenantId,
    isTest: r.isTest,
    data: r.data as Record<string, unknown>,
  }));
}

const typesOf = (events: Event[]) => events.map((e) => e.type);
const instanceOf = (event: Event | undefined) => event?.data.instance as Record<string, unknown>;
const countAll = async () => (await getDb()).merchantEvent.count();

describe("instance events", () => {
  test("V2 lifecycle: purchase, renew, freeze, unfreeze, upgrade, release give exactly their events, in order, once", async () => {
    const order = newOrder();
    const id = order.businessId;
    const calls: Array<Record<string, unknown>> = [
      v2Purchase(order),
      { activity: "refreshInstance", scene: "RENEWAL", instanceId: id, orderId: "CSRENEW1", orderLineId: "CSRENEW1-1", expireTime: "20280101000000" },
      { activity: "updateInstanceStatus", instanceId: id, status: "FREEZE" },
      { activity: "updateInstanceStatus", instanceId: id, status: "UNFREEZE" },
      { activity: "upgradeInstance", instanceId: id, orderId: "CSUPG1", orderLineId: "CSUPG1-1" },
      { activity: "releaseInstance", instanceId: id, orderId: "CSUNSUB1", orderLineId: "CSUNSUB1-1" },
    ];
    // Each call twice: KooGallery's repeat (a new nonce) changes nothing and tells nothing.
    for (const body of calls) {
      assert.equal(await v2(body), "000000", String(body.activity));
      const before = await countAll();
      assert.equal(await v2(body), "000000", `repeat of ${String(body.activity)}`);
      assert.equal(await countAll(), before, `no event for the repeat of ${String(body.activity)}`);
    }

    const events = await eventsAbout(id);
    assert.deepEqual(typesOf(events), [
      "instance.created",
      "instance.renewed",
      "instance.frozen",
      "instance.unfrozen",
      "instance.upgraded",
      "instance.released",
    ]);
    for (const e of events) {
      assert.equal(e.orderingKey, `instance:${id}`);
      assert.equal(e.isTest, false);
      assert.equal(e.tenantId, null);
      assert.equal(e.data.instanceId, id);
    }
    const [created, renewed, frozen, unfrozen, upgraded, released] = events;
    assert.deepEqual(instanceOf(created), {
      instanceId: id,
      orderId: order.orderId,
      orderLineId: order.orderLineId,
      productId: "OFFI-PROD-1",
      skuCode: "sku-basic",
      chargingMode: "PERIOD",
      customerId: "cust-1",
      customerName: "Buyer One",
      state: "ACTIVE",
      provisionStatus: "DONE",
      isTrial: false,
      expireAt: "2027-12-31T00:00:00.000Z",
    });
    assert.equal(created!.data.adapter, "builtin");
    const appInfo = created!.data.appInfo as Record<string, unknown>;
    assert.match(String(appInfo.frontEndUrl), new RegExp(id));
    assert.deepEqual(Object.keys(appInfo).sort(), ["adminUrl", "adminUserName", "frontEndUrl"], "never the password");

    assert.equal(renewed!.data.scene, "RENEWAL");
    assert.equal(renewed!.data.orderId, "CSRENEW1");
    assert.equal(renewed!.data.orderLineId, "CSRENEW1-1");
    assert.equal(renewed!.data.expireAt, "2028-01-01T00:00:00.000Z");
    assert.equal(renewed!.data.previousExpireAt, "2027-12-31T00:00:00.000Z");
    assert.equal(instanceOf(renewed).expireAt, "2028-01-01T00:00:00.000Z");

    assert.deepEqual([frozen!.data.previousState, frozen!.data.by, instanceOf(frozen).state], ["ACTIVE", "koogallery", "FROZEN"]);
    assert.deepEqual([unfrozen!.data.previousState, unfrozen!.data.by, instanceOf(unfrozen).state], ["FROZEN", "koogallery", "ACTIVE"]);

    assert.equal(upgraded!.data.orderId, "CSUPG1");
    assert.equal(upgraded!.data.isSpecPending, true, "V2 upgradeInstance carries no SKU: read from the order later");
    assert.equal(upgraded!.data.previousSkuCode, "sku-basic");

    assert.deepEqual([released!.data.previousState, released!.data.orderId, instanceOf(released).state], ["ACTIVE", "CSUNSUB1", "RELEASED"]);
  });

  test("a replayed nonce, a bad signature, invalid parameters and an unknown instance write no event", async () => {
    const order = newOrder();
    const before = await countAll();
    const nonce = "A".repeat(64);
    const timestamp = String(Date.now());
    assert.equal(await v2(v2Purchase(order), { key: "wrong-key" }), "000001");
    assert.equal(await v2({ activity: "newInstance", orderId: order.orderId }), "000002");
    assert.equal(
      await v2({ activity: "refreshInstance", scene: "RENEWAL", instanceId: randomUUID(), orderId: "X1", orderLineId: "X1-1", expireTime: "20280101000000" }),
      "000003",
    );
    assert.equal(await v2({ activity: "updateInstanceStatus", instanceId: randomUUID(), status: "FREEZE" }), "000003");
    assert.equal(await countAll(), before, "refused and failed calls leave no event");

    assert.equal(await v2(v2Purchase(order), { nonce, timestamp }), "000000");
    assert.equal(await countAll(), before + 1);
    assert.equal(await v2(v2Purchase(order), { nonce, timestamp }), "000001", "the same call again is a replay");
    assert.equal(await countAll(), before + 1);
  });

  test("concurrent copies of one purchase create one instance and one instance.created", async () => {
    const order = newOrder();
    const answers = await Promise.all(Array.from({ length: 12 }, () => v2(v2Purchase(order))));
    assert.ok(answers.every((code) => code === "000000"));
    assert.deepEqual(typesOf(await eventsAbout(order.businessId)), ["instance.created"]);
  });

  test("trial conversion, and a test call's events are test events", async () => {
    const order = newOrder();
    const id = order.businessId;
    assert.equal(await v2(v2Purchase(order, { trialFlag: "1", testFlag: "1" })), "000000");
    const convert = {
      activity: "refreshInstance",
      scene: "TRIAL_TO_FORMAL",
      instanceId: id,
      orderId: "CSCONV1",
      orderLineId: "CSCONV1-1",
      expireTime: "20300101000000",
      testFlag: "1",
    };
    assert.equal(await v2(convert), "000000");
    const events = await eventsAbout(id);
    assert.deepEqual(typesOf(events), ["instance.created", "instance.trial_converted"]);
    assert.ok(events.every((e) => e.isTest));
    assert.equal(instanceOf(events[0]).isTrial, true);
    assert.equal(instanceOf(events[1]).isTrial, false);
    assert.equal(events[1]!.data.expireAt, "2030-01-01T00:00:00.000Z");
  });

  test("V1: purchase, expire and release; the expiry is instance.expired with the instance frozen", async () => {
    const order = newOrder();
    const id = order.businessId;
    const purchase = { activity: "newInstance", customerId: "cust-v1", businessId: id, orderId: order.orderId, productId: "OFFI-V1", skuCode: "sku-v1" };
    assert.equal(await v1(purchase), "000000");
    assert.equal(await v1({ activity: "expireInstance", instanceId: id, orderId: order.orderId }), "000000");
    assert.equal(await v1({ activity: "expireInstance", instanceId: id, orderId: order.orderId }), "000000", "a repeat");
    assert.equal(await v1({ activity: "upgrade", instanceId: id, orderId: "CSV1UPG", productId: "OFFI-V1", skuCode: "sku-v1-pro" }), "000000");
    assert.equal(await v1({ activity: "releaseInstance", instanceId: id, orderId: order.orderId }), "000000");
    const events = await eventsAbout(id);
    assert.deepEqual(typesOf(events), ["instance.created", "instance.expired", "instance.upgraded", "instance.released"]);
    assert.deepEqual([events[1]!.data.previousState, events[1]!.data.orderId, instanceOf(events[1]).state], ["ACTIVE", order.orderId, "FROZEN"]);
    assert.deepEqual([events[2]!.data.skuCode, events[2]!.data.previousSkuCode, events[2]!.data.isSpecPending], ["sku-v1-pro", "sku-v1", false]);
    assert.equal(instanceOf(events[2]).skuCode, "sku-v1-pro");
    assert.equal(events[3]!.data.previousState, "FROZEN");
  });

  test("staff freeze and unfreeze send the same events, by staff", async () => {
    const order = newOrder();
    const id = order.businessId;
    assert.equal(await v2(v2Purchase(order)), "000000");
    const db = await getDb();
    const staff = await db.staffUser.create({ data: { email: `op-${randomUUID()}@example.com`, name: "Op", passwordHash: "x", role: "OPERATOR" } });
    const actor = { staffId: staff.id, email: staff.email };
    await freezeInstance({ actor, instanceId: id, reason: "customer asked" });
    await unfreezeInstance({ actor, instanceId: id });
    const events = await eventsAbout(id);
    assert.deepEqual(typesOf(events), ["instance.created", "instance.frozen", "instance.unfrozen"]);
    assert.deepEqual([events[1]!.data.by, events[2]!.data.by], ["staff", "staff"]);
  });

  test("orderNotify: order.notified once per order, about its instance when there is one", async () => {
    const order = newOrder();
    assert.equal(await v2(v2Purchase(order)), "000000");
    const notify = { activity: "orderNotify", orderId: order.orderId, orderLineId: order.orderLineId };
    assert.equal(await v2(notify), "000000");
    assert.equal(await v2(notify), "000000");
    const events = (await eventsAbout(order.businessId)).filter((e) => e.type === "order.notified");
    assert.equal(events.length, 1, "a repeat sends no second event");
    assert.deepEqual(events[0]!.data, { orderId: order.orderId, orderLineId: order.orderLineId, instanceId: order.businessId, detailFetch: "NOT_CONFIGURED" });

    // An order of another product type: the subject is the order itself.
    const other = `CSLIC${randomUUID().slice(0, 8)}`;
    assert.equal(await v2({ activity: "orderNotify", orderId: other, testFlag: "1" }), "000000");
    const [alone] = await eventsAbout(other);
    assert.equal(alone?.type, "order.notified");
    assert.equal(alone?.data.instanceId, null);
    assert.equal(alone?.isTest, true);
    assert.equal(alone?.data.detailFetch, "SKIPPED");
  });
});

describe("Kit events", () => {
  const newTenant = () => ({ tenantId: `t-${randomUUID()}`, instanceId: `i-${randomUUID()}` });
  const user = (userName: string, extra: Record<string, unknown> = {}) => ({
    userName,
    name: `Name ${userName}`,
    orgCode: "D1",
    role: "user",
    enable: "true",
    mobile: "13800000000",
    email: `${userName}@example.com`,
    ...extra,
  });

  test("each sync gives its event about the tenant, with the new state; repeats give none; no secret anywhere", async () => {
    const t = newTenant();
    const secret = "s3cr3t-client-value";
    const clientSecret = encryptClientSecret(secret, publicKey, "sha256-mgf1sha256");
    const users = [user("ann"), user("bob", { role: "admin" })];
    const calls: Array<[KitName, Record<string, unknown>]> = [
      ["tenantSync", { ...t, orderId: "CSK1", tenantCode: "acme", name: "Acme", domainName: "https://acme.example", flag: 1 }],
      ["tenantSync", { ...t, orderId: "CSK1", tenantCode: "acme", name: "Acme Ltd", domainName: "https://acme.example", flag: 2 }],
      ["applicationSync", { ...t, appId: "app-1", clientId: "client-1", clientSecret, flag: 1 }],
      ["singleOrgSync", { ...t, orderId: "CSK1", orgCode: "D1", orgName: "Sales", parentCode: "", flag: 1 }],
      ["authSync", { ...t, appId: "app-1", userList: users, currentSyncTime: "20261201100000000", flag: 1 }],
      ["authSync", { ...t, appId: "app-1", userList: [user("bob")], currentSyncTime: "20261201100000000", flag: 3 }],
      [
        "allOrgSync",
        {
          ...t,
          orgInfoList: [
            { orgCode: "D1", orgName: "Sales and Marketing", parentCode: "" },
            { orgCode: "D2", orgName: "Support", parentCode: "D1" },
          ],
        },
      ],
    ];
    // Each call twice: the repeat (a new nonce) changes nothing and tells nothing.
    for (const [name, body] of calls) {
      assert.equal(await kit(name, body), "000000", name);
      const before = await countAll();
      assert.equal(await kit(name, body), "000000", `repeat of ${name}`);
      assert.equal(await countAll(), before, `no event for the repeat of ${name}`);
    }

    const events = await eventsAbout(t.tenantId);
    assert.deepEqual(typesOf(events), ["tenant.synced", "tenant.synced", "application.synced", "org.synced", "users.synced", "users.synced", "org.synced"]);
    for (const e of events) {
      assert.equal(e.orderingKey, `tenant:${t.tenantId}`);
      assert.equal(e.tenantId, t.tenantId);
      assert.equal(e.isTest, false);
      assert.equal(e.data.tenantId, t.tenantId);
      assert.equal(e.data.instanceId, t.instanceId);
    }
    const [added, renamed, app, dept, granted, revoked, full] = events;
    assert.equal(added!.data.action, "added");
    assert.deepEqual(added!.data.tenant, { tenantCode: "acme", name: "Acme", domainName: "https://acme.example", orderId: "CSK1", isDeleted: false });
    assert.equal(renamed!.data.action, "updated");
    assert.deepEqual(renamed!.data.changed, ["name"]);
    assert.equal((renamed!.data.tenant as { name: string }).name, "Acme Ltd");

    assert.deepEqual(app!.data, { tenantId: t.tenantId, instanceId: t.instanceId, action: "added", appId: "app-1", clientId: "client-1", isDeleted: false });

    assert.deepEqual(
      [dept!.data.mode, dept!.data.action, dept!.data.department, dept!.data.previous],
      ["incremental", "added", { orgCode: "D1", orgName: "Sales", parentCode: "" }, null],
    );

    assert.deepEqual([granted!.data.operation, granted!.data.added, granted!.data.modified], ["add", ["ann", "bob"], []]);
    assert.deepEqual(granted!.data.users, [
      { userName: "ann", name: "Name ann", orgCode: "D1", role: "user", isEnabled: true },
      { userName: "bob", name: "Name bob", orgCode: "D1", role: "admin", isEnabled: true },
    ]);
    assert.deepEqual([revoked!.data.operation, revoked!.data.revoked, revoked!.data.users], ["revoke", ["bob"], []]);

    assert.equal(full!.data.mode, "full");
    assert.deepEqual(full!.data.counts, {
      added: 1,
      renamed: 1,
      moved: 0,
      removed: 0,
      unchanged: 0,
      total: 2,
      pendingParent: 0,
      orphanedUsers: 0,
      restoredUsers: 0,
    });
    assert.deepEqual(full!.data.added, [{ orgCode: "D2", orgName: "Support", parentCode: "D1" }]);
    assert.deepEqual(full!.data.renamed, [{ orgCode: "D1", fromName: "Sales", toName: "Sales and Marketing" }]);

    const json = JSON.stringify(events);
    for (const leak of [secret, clientSecret, "clientSecret", "13800000000", "ann@example.com"]) assert.ok(!json.includes(leak), `no ${leak} in the events`);
  });

  test("deletes: tenant, application, department and users, each once", async () => {
    const t = newTenant();
    const clientSecret = encryptClientSecret("another-secret", publicKey, "sha1-mgf1sha1");
    assert.equal(await kit("tenantSync", { ...t, orderId: "CSK2", tenantCode: "beta", name: "Beta", domainName: "https://beta.example", flag: 1 }), "000000");
    assert.equal(await kit("applicationSync", { ...t, appId: "app-2", clientId: "client-2", clientSecret, flag: 1 }), "000000");
    assert.equal(await kit("singleOrgSync", { ...t, orderId: "CSK2", orgCode: "D9", orgName: "Ops", parentCode: "", flag: 1 }), "000000");
    assert.equal(
      await kit("authSync", { ...t, appId: "app-2", userList: [user("cy", { orgCode: "D9" })], currentSyncTime: "20261201100000000", flag: 1 }),
      "000000",
    );
    const start = (await eventsAbout(t.tenantId)).length;
    const deletes: Array<[KitName, Record<string, unknown>]> = [
      ["authSync", { ...t, appId: "app-2", userList: [user("cy", { orgCode: "D9" })], currentSyncTime: "20261201100000000", flag: 0 }],
      ["singleOrgSync", { ...t, orderId: "CSK2", orgCode: "D9", orgName: "Ops", parentCode: "", flag: 0 }],
      ["applicationSync", { ...t, appId: "app-2", clientId: "client-2", flag: 0 }],
      ["tenantSync", { ...t, orderId: "CSK2", tenantCode: "beta", name: "Beta", domainName: "https://beta.example", flag: 0 }],
    ];
    for (const [name, body] of [...deletes, ...deletes]) assert.equal(await kit(name, body), "000000", name);
    const events = (await eventsAbout(t.tenantId)).slice(start);
    assert.deepEqual(typesOf(events), ["users.synced", "org.synced", "application.synced", "tenant.synced"]);
    assert.deepEqual(events[0]!.data.deleted, ["cy"]);
    assert.deepEqual([events[1]!.data.action, events[1]!.data.department, events[1]!.data.previous], ["deleted", null, { orgName: "Ops", parentCode: "" }]);
    assert.deepEqual([events[2]!.data.action, events[2]!.data.isDeleted], ["deleted", true]);
    assert.deepEqual([events[3]!.data.action, (events[3]!.data.tenant as { isDeleted: boolean }).isDeleted], ["deleted", true]);
  });

  test("a test sync gives test events; a refused sync gives none", async () => {
    const t = newTenant();
    assert.equal(await kit("tenantSync", { ...t, tenantCode: "gamma", name: "Gamma", domainName: "https://g.example", flag: 1, testFlag: 1 }), "000000");
    const [event] = await eventsAbout(t.tenantId);
    assert.equal(event?.isTest, true);

    const before = await countAll();
    const refused = await sendKitCall({
      kitName: "tenantSync",
      accessKey: "wrong-kit-key",
      body: { ...newTenant(), tenantCode: "x", name: "X", domainName: "x", flag: 1 },
    });
    assert.notEqual(refused.resultCode, "000000");
    const loop = await kit("allOrgSync", {
      ...t,
      orgInfoList: [
        { orgCode: "A", orgName: "A", parentCode: "B" },
        { orgCode: "B", orgName: "B", parentCode: "A" },
      ],
    });
    assert.equal(loop, "000002", "a cycle is refused");
    const badSecret = await kit("applicationSync", { ...t, appId: "app-x", clientId: "c", clientSecret: "bm90LWVuY3J5cHRlZA==", flag: 1 });
    assert.notEqual(badSecret, "000000");
    assert.equal(await countAll(), before);
  });
});
