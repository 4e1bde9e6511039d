// Background work: provisioning through the merchant's backend (slow ⇒ 000004,
// finished by a durable job that survives a restart and runs once across app
// instances) and the order query through the Open API with AK/SK and retries.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { signApigRequest } from "../../lib/koogallery/aksk";
import { Webhook } from "standardwebhooks";
import { generateWebhookSecret } from "../../lib/webhooks/standard-webhooks";
import { testEngine } from "../fixtures/database";
import { callV2, newOrder } from "../fixtures/koogallery";
import { startMockServer, waitFor, type MockServer } from "../fixtures/mock-server";
import { startPortal, type Portal } from "../fixtures/portal";

const SECRET = generateWebhookSecret();

describe("provisioning through the merchant's backend", () => {
  let backend: MockServer;
  let portal: Portal;
  let isBackendUp = false;

  before(async () => {
    backend = await startMockServer();
    backend.reply((req) => {
      if (!isBackendUp) return { status: 503, body: { error: "starting" } };
      const { instance } = JSON.parse(req.body) as { instance: { instanceId: string } };
      return { status: 200, body: { frontEndUrl: `https://app.example.com/${instance.instanceId}`, userName: "owner", password: "Initial-Passw0rd" } };
    });
    portal = await startPortal({
      PROVISIONING_ADAPTER: "http",
      PROVISIONING_HTTP_URL: `${backend.url}/provision`,
      PROVISIONING_HTTP_SECRET: SECRET,
      PROVISIONING_SYNC_TIMEOUT_MS: "5000",
    });
  });
  after(async () => {
    await portal?.close();
    await backend?.close();
  });

  test("a fast backend is answered 000000 at once; calls are signed and keyed by instance", async () => {
    isBackendUp = true;
    const order = newOrder();
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000000", a.bodyText);
    assert.equal((a.json.appInfo as { frontEndUrl: string }).frontEndUrl, `https://app.example.com/${order.businessId}`);
    const call = backend.calls.at(-1)!;
    assert.equal(call.headers["idempotency-key"], order.businessId);
    // Verified as the merchant's backend would, with the Standard Webhooks reference library.
    assert.deepEqual(new Webhook(SECRET).verify(call.body, call.headers as Record<string, string>), JSON.parse(call.body));
    assert.equal(call.headers["webhook-id"], `provision_${order.businessId}`);
  });

  test("a slow backend gets 000004, and the job finishes after a restart", async () => {
    isBackendUp = false;
    const order = newOrder();
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000004", a.bodyText);
    assert.equal(a.json.instanceId, order.businessId);
    const q = await callV2(portal, { activity: "queryInstance", instanceId: order.businessId });
    assert.equal(q.json.resultCode, "000004");
    await waitFor(() => backend.calls.filter((c) => c.body.includes(order.businessId)).length >= 2 || undefined, 10_000, "retries");
    // Every attempt at one instance carries the same message id, freshly signed.
    const attempts = backend.calls.filter((c) => c.body.includes(order.businessId));
    assert.deepEqual(new Set(attempts.map((c) => c.headers["webhook-id"])), new Set([`provision_${order.businessId}`]));
    for (const c of attempts) new Webhook(SECRET).verify(c.body, c.headers as Record<string, string>);

    await portal.stop();
    const jobs = await portal.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM "Job" WHERE kind = 'provision-instance' AND payload->>'instanceId' = $1`,
      [order.businessId],
    );
    assert.equal(jobs[0]?.status, "PENDING", "the job is still waiting when the portal stops");
    assert.ok((jobs[0]?.attempts ?? 0) >= 2);
    await portal.stop();
    isBackendUp = true;
    await portal.restart();

    const done = await waitFor(
      async () => {
        const r = await callV2(portal, { activity: "queryInstance", instanceId: order.businessId });
        return r.json.resultCode === "000000" ? r : undefined;
      },
      20_000,
      "provisioning after restart",
    );
    const info = done.json.info as Array<{ appInfo: { frontEndUrl: string; password: string } }>;
    assert.equal(info[0]?.appInfo.frontEndUrl, `https://app.example.com/${order.businessId}`);
    assert.equal(info[0]?.appInfo.password, "Initial-Passw0rd");
  });

  test("a backend that refuses (4xx) marks the instance failed: 000005, no endless retries", async () => {
    backend.reply(() => ({ status: 422, body: { error: "no capacity" } }));
    const order = newOrder();
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000005", a.bodyText);
    const calls = backend.calls.filter((c) => c.body.includes(order.businessId)).length;
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(backend.calls.filter((c) => c.body.includes(order.businessId)).length, calls);
    const q = await callV2(portal, { activity: "queryInstance", instanceId: order.businessId });
    assert.equal(q.json.resultCode, "000005");
  });
});

if (testEngine === "postgres") {
  // Several app instances only exist with PostgreSQL (PGlite is one process).
  describe("several app instances on one database", () => {
    test("each provisioning job runs once", async () => {
      const backend = await startMockServer();
      let isUp = false;
      backend.reply((req) => {
        if (!isUp) return { status: 503, body: {} };
        const { instance } = JSON.parse(req.body) as { instance: { instanceId: string } };
        return { status: 200, body: { frontEndUrl: `https://app.example.com/${instance.instanceId}` }, delayMs: 50 };
      });
      const env = {
        PROVISIONING_ADAPTER: "http",
        PROVISIONING_HTTP_URL: `${backend.url}/p`,
        PROVISIONING_HTTP_SECRET: SECRET,
        PROVISIONING_SYNC_TIMEOUT_MS: "0",
        JOBS_RETRY_BASE_MS: "100000",
      };
      const a = await startPortal(env);
      const b = await startPortal(env, { shareWith: a });
      try {
        const orders = Array.from({ length: 20 }, () => newOrder());
        for (const [i, o] of orders.entries()) {
          const r = await callV2(i % 2 ? a : b, { activity: "newInstance", ...o });
          assert.equal(r.json.resultCode, "000004");
        }
        // Wait until every job has failed once and is back in the queue: a job still in flight when the backend
        // comes up would either answer 503 after the switch or put its retry 100 s out after runAt is reset.
        await waitFor(
          async () => {
            const rows = await a.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM "Job" WHERE kind = 'provision-instance' AND status = 'PENDING' AND attempts >= 1`,
            );
            return rows[0]?.n === orders.length || undefined;
          },
          20_000,
          "every job failed once",
        );
        // Then make them all due again and let both workers race.
        isUp = true;
        // In UTC like the column: this session runs in the database's default zone (Asia/Shanghai in CI).
        await a.query(`UPDATE "Job" SET "runAt" = now() AT TIME ZONE 'UTC' WHERE kind = 'provision-instance'`);
        await waitFor(
          async () => {
            const rows = await a.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Instance" WHERE "provisionStatus" = 'DONE'`);
            return rows[0]?.n === orders.length || undefined;
          },
          20_000,
          "all provisioned",
        );
        for (const o of orders) {
          // Counted by the answer, not the clock: a 503 can arrive in the same millisecond the backend comes up.
          const successes = backend.calls.filter((c) => c.body.includes(o.businessId) && c.status === 200);
          assert.equal(successes.length, 1, `instance ${o.businessId} provisioned once`);
        }
      } finally {
        await b.stop();
        await a.close();
        await backend.close();
      }
    });
  });
}

describe("order details through the Open API", () => {
  let openApi: MockServer;
  let portal: Portal;
  const AK = "TESTAK0123456789";
  const SK = "test-secret-key-0123456789";

  before(async () => {
    openApi = await startMockServer();
    portal = await startPortal({ KOOGALLERY_AK: AK, KOOGALLERY_SK: SK, KOOGALLERY_API_BASE_URL: openApi.url });
  });
  after(async () => {
    await portal?.close();
    await openApi?.close();
  });

  test("the order is fetched in the background with AK/SK, retried while KooGallery fails, never blocking the callback", async () => {
    let calls = 0;
    openApi.reply((req) => {
      calls += 1;
      if (calls === 1) return { status: 503, body: { error_code: "APIGW.0101" } };
      const url = new URL(req.url, openApi.url);
      return {
        status: 200,
        delayMs: 300,
        body: {
          resultCode: "MKT.0000",
          resultMsg: "Success.",
          orderInfo: {
            orderId: url.searchParams.get("orderId"),
            orderType: "NEW",
            createTime: "20261124101010",
            buyerInfo: { customerId: "cust-1", customerName: "Acme Ltd" },
            orderLine: [
              {
                orderLineId: url.searchParams.get("orderLineId"),
                chargingMode: "PERIOD",
                periodType: "month",
                periodNumber: 3,
                orderAmount: "99.5",
                productInfo: [{ productId: "OFFI1", skuCode: "sku-1", linearValue: 1 }],
              },
            ],
          },
        },
      };
    });
    const order = newOrder();
    const started = Date.now();
    const a = await callV2(portal, { activity: "newInstance", ...order });
    assert.equal(a.json.resultCode, "000000");
    assert.ok(Date.now() - started < 2000, "the callback does not wait for the order query");

    await waitFor(() => (calls >= 2 ? true : undefined), 15_000, "order query retried");
    const req = openApi.calls.at(-1)!;
    assert.equal(req.method, "GET");
    assert.match(req.url, /^\/api\/mkp-openapi-public\/global\/v1\/order\/query\?/);
    const expected = signApigRequest({
      method: "GET",
      url: `${openApi.url}${req.url}`,
      headers: { "Content-Type": String(req.headers["content-type"]), "X-Sdk-Date": String(req.headers["x-sdk-date"]) },
      body: "",
      ak: AK,
      sk: SK,
    });
    assert.equal(req.headers.authorization, expected.Authorization);

    await new Promise((r) => setTimeout(r, 800));
    const rows = await portal.query<{ fetchStatus: string; customerName: string; skuCode: string; periodNumber: number; amount: string; instCustomer: string }>(
      `SELECT o."fetchStatus", o."customerName", o."skuCode", o."periodNumber", o.amount::text AS amount, i."customerName" AS "instCustomer"
         FROM "Order" o JOIN "Instance" i ON i.id = o."instanceId" WHERE o."orderId" = $1`,
      [order.orderId],
    );
    assert.deepEqual(rows[0], {
      fetchStatus: "FETCHED",
      customerName: "Acme Ltd",
      skuCode: "sku-1",
      periodNumber: 3,
      amount: "99.5000",
      instCustomer: "Acme Ltd",
    });
  });

  test("a V2 upgrade's specification, read from the order, is announced as a second instance.upgraded", async () => {
    openApi.reply((req) => {
      const url = new URL(req.url, openApi.url);
      const orderId = url.searchParams.get("orderId") ?? "";
      const skuCode = orderId.startsWith("UP") ? "sku-pro" : "sku-basic";
      const orderLine = [{ orderLineId: url.searchParams.get("orderLineId"), chargingMode: "PERIOD", productInfo: [{ productId: "OFFI1", skuCode }] }];
      return { status: 200, body: { resultCode: "MKT.0000", resultMsg: "Success.", orderInfo: { orderId, orderType: "NEW", orderLine } } };
    });
    const order = newOrder();
    assert.equal((await callV2(portal, { activity: "newInstance", ...order })).json.resultCode, "000000");
    const skuOf = async () =>
      (await portal.query<{ skuCode: string | null }>(`SELECT "skuCode" FROM "Instance" WHERE id = $1`, [order.businessId]))[0]?.skuCode ?? undefined;
    await waitFor(async () => ((await skuOf()) === "sku-basic" ? true : undefined), 15_000, "the purchase's details");

    const upgrade = newOrder("UP");
    const answer = await callV2(portal, {
      activity: "upgradeInstance",
      instanceId: order.businessId,
      orderId: upgrade.orderId,
      orderLineId: upgrade.orderLineId,
    });
    assert.equal(answer.json.resultCode, "000000", answer.bodyText);
    const upgraded = () =>
      portal.query<{ data: Record<string, unknown> }>(`SELECT data FROM "MerchantEvent" WHERE type = 'instance.upgraded' AND "subjectId" = $1 ORDER BY seq`, [
        order.businessId,
      ]);
    await waitFor(async () => ((await upgraded()).length === 2 ? true : undefined), 15_000, "the second instance.upgraded");
    const [pending, known] = (await upgraded()).map((r) => r.data);
    assert.deepEqual(
      [pending!.isSpecPending, pending!.skuCode, pending!.orderId],
      [true, "sku-basic", upgrade.orderId],
      "the callback's event: the SKU is not known yet",
    );
    assert.deepEqual(
      [known!.isSpecPending, known!.skuCode, known!.previousSkuCode, known!.orderId, (known!.instance as { skuCode: string }).skuCode],
      [false, "sku-pro", "sku-basic", upgrade.orderId, "sku-pro"],
    );
    assert.equal(await skuOf(), "sku-pro");
  });

  test("test orders are not queried", async () => {
    const before = openApi.calls.length;
    const a = await callV2(portal, { activity: "newInstance", ...newOrder(), testFlag: "1" });
    assert.equal(a.json.resultCode, "000000");
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(openApi.calls.length, before);
  });
});
