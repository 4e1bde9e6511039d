// The V2 production interface over real HTTP: every activity, every result
// code, idempotency (also under 50 concurrent duplicates) and the security
// failure modes. Runs against PGlite or PostgreSQL (TEST_DB).
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { computeBodySign, parseBodySignHeader } from "../../lib/koogallery/body-sign";
import { canonicalPayload } from "../../lib/koogallery/canonical-json";
import { computeBasicSignature } from "../../lib/koogallery/signature-v2";
import { generateNonce } from "../../lib/koogallery/signer";
import { callV2, newOrder, rawPost, type Answer } from "../fixtures/koogallery";
import { startPortal, type Portal } from "../fixtures/portal";

let portal: Portal;
before(async () => {
  portal = await startPortal();
});
after(async () => {
  await portal?.close();
});

function assertCallbackAnswer(a: Answer, code: string) {
  assert.equal(a.status, 200);
  assert.match(a.headers["content-type"] ?? "", /application\/json/);
  assert.equal(a.json.resultCode, code, `expected ${code}, got ${a.bodyText}`);
  assert.doesNotMatch(a.bodyText, /\bat .*\(|Error:|stack|prisma/i, "no stack traces or internals in answers");
  const sig = parseBodySignHeader(a.headers["body-sign"]);
  assert.ok(sig, "every answer carries Body-Sign");
  assert.equal(sig.signature, computeBodySign(portal.keys.accessKey, a.bodyText));
}

async function createInstance(overrides: Record<string, string> = {}) {
  const order = newOrder();
  const a = await callV2(portal, { activity: "newInstance", ...order, testFlag: "0", ...overrides });
  assertCallbackAnswer(a, "000000");
  return { ...order, instanceId: String(a.json.instanceId), answer: a };
}

describe("newInstance", () => {
  test("creates an instance whose id is the first businessId, with app info", async () => {
    const { businessId, instanceId, answer } = await createInstance();
    assert.equal(instanceId, businessId);
    const appInfo = answer.json.appInfo as Record<string, string>;
    assert.match(appInfo.frontEndUrl ?? "", /^http/);
    assert.ok(appInfo.userName && appInfo.password && appInfo.password.length >= 12);
  });

  test("a repeat of the same order line answers the same instance, whatever its businessId", async () => {
    const first = await createInstance();
    const again = await callV2(portal, { activity: "newInstance", orderId: first.orderId, orderLineId: first.orderLineId, businessId: randomUUID() });
    assertCallbackAnswer(again, "000000");
    assert.equal(again.json.instanceId, first.instanceId);
    assert.deepEqual(again.json.appInfo, first.answer.json.appInfo);
  });

  test("another line of the same order is another instance", async () => {
    const first = await createInstance();
    const other = await callV2(portal, { activity: "newInstance", orderId: first.orderId, orderLineId: `${first.orderId}-000002`, businessId: randomUUID() });
    assertCallbackAnswer(other, "000000");
    assert.notEqual(other.json.instanceId, first.instanceId);
  });

  test("a businessId already used by another order never yields the same instanceId", async () => {
    const first = await createInstance();
    const clash = await callV2(portal, { activity: "newInstance", ...newOrder(), businessId: first.businessId });
    assertCallbackAnswer(clash, "000000");
    assert.notEqual(clash.json.instanceId, first.instanceId);
  });

  test("50 concurrent duplicates create one instance and all answer it", async () => {
    const order = newOrder();
    const answers = await Promise.all(
      Array.from({ length: 50 }, () =>
        callV2(portal, { activity: "newInstance", orderId: order.orderId, orderLineId: order.orderLineId, businessId: randomUUID() }),
      ),
    );
    for (const a of answers) assertCallbackAnswer(a, "000000");
    const ids = new Set(answers.map((a) => a.json.instanceId));
    assert.equal(ids.size, 1);
    const rows = await portal.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Instance" WHERE "orderId" = $1`, [order.orderId]);
    assert.equal(rows[0]?.n, 1);
  });

  test("testFlag 1 is answered like a real call and stored as test data", async () => {
    const order = newOrder("TEST");
    const a = await callV2(portal, { activity: "newInstance", ...order, testFlag: "1" });
    assertCallbackAnswer(a, "000000");
    const rows = await portal.query<{ isTest: boolean }>(`SELECT "isTest" FROM "Instance" WHERE id = $1`, [a.json.instanceId]);
    assert.equal(rows[0]?.isTest, true);
    const logs = await portal.query<{ isTest: boolean }>(`SELECT "isTest" FROM "CallbackLog" WHERE "instanceId" = $1`, [a.json.instanceId]);
    assert.ok(logs.length >= 1 && logs.every((l) => l.isTest));
  });

  test("missing fields are 000002", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "newInstance", orderId: "CS1" }), "000002");
  });
});

describe("refreshInstance", () => {
  for (const scene of ["RENEWAL", "TRIAL_TO_FORMAL", "UNSUBSCRIBE_RENEWAL_PERIOD", "RENEWAL_CHANGE"]) {
    test(`${scene} sets the expiry once per order`, async () => {
      const { instanceId } = await createInstance();
      const order = newOrder("RN");
      const body = {
        activity: "refreshInstance",
        scene,
        instanceId,
        orderId: order.orderId,
        orderLineId: order.orderLineId,
        expireTime: "20301124023618256",
        productId: "OFFI1",
      };
      assertCallbackAnswer(await callV2(portal, body), "000000");
      assertCallbackAnswer(await callV2(portal, body), "000000");
      const events = await portal.query<{ kind: string }>(`SELECT kind FROM "InstanceEvent" WHERE "instanceId" = $1 AND kind = $2`, [instanceId, scene]);
      assert.equal(events.length, 1, "the repeat has no second effect");
      const rows = await portal.query<{ expireAt: Date }>(`SELECT "expireAt" FROM "Instance" WHERE id = $1`, [instanceId]);
      assert.equal(new Date(rows[0]!.expireAt).toISOString(), "2030-11-24T02:36:18.256Z");
    });
  }

  test("an unknown instance is 000003; a bad expiry or scene is 000002", async () => {
    const order = newOrder();
    const base = { activity: "refreshInstance", scene: "RENEWAL", orderId: order.orderId, orderLineId: order.orderLineId, expireTime: "20301124023618" };
    assertCallbackAnswer(await callV2(portal, { ...base, instanceId: "no-such-instance" }), "000003");
    const { instanceId } = await createInstance();
    assertCallbackAnswer(await callV2(portal, { ...base, instanceId, expireTime: "20301324" }), "000002");
    assertCallbackAnswer(await callV2(portal, { ...base, instanceId, expireTime: "20300230000000" }), "000002");
    assertCallbackAnswer(await callV2(portal, { ...base, instanceId, scene: "SOMETHING" }), "000002");
  });
});

describe("updateInstanceStatus and releaseInstance", () => {
  test("freeze, repeat, unfreeze, repeat: each succeeds, effects happen once", async () => {
    const { instanceId } = await createInstance();
    for (const status of ["FREEZE", "FREEZE", "UNFREEZE", "UNFREEZE"]) {
      assertCallbackAnswer(await callV2(portal, { activity: "updateInstanceStatus", instanceId, status }), "000000");
    }
    const events = await portal.query<{ kind: string }>(`SELECT kind FROM "InstanceEvent" WHERE "instanceId" = $1 ORDER BY "createdAt"`, [instanceId]);
    assert.deepEqual(
      events.map((e) => e.kind),
      ["CREATED_AND_PROVISIONED", "FROZEN", "UNFROZEN"],
    );
  });

  test("release is idempotent; a released instance cannot be unfrozen", async () => {
    const { instanceId, orderId, orderLineId } = await createInstance();
    const release = { activity: "releaseInstance", instanceId, orderId, orderLineId };
    assertCallbackAnswer(await callV2(portal, release), "000000");
    assertCallbackAnswer(await callV2(portal, release), "000000");
    assertCallbackAnswer(await callV2(portal, { activity: "updateInstanceStatus", instanceId, status: "FREEZE" }), "000000");
    assertCallbackAnswer(await callV2(portal, { activity: "updateInstanceStatus", instanceId, status: "UNFREEZE" }), "000003");
    const rows = await portal.query<{ state: string }>(`SELECT state FROM "Instance" WHERE id = $1`, [instanceId]);
    assert.equal(rows[0]?.state, "RELEASED");
  });

  test("the built-in front-end URL shows nothing without a hand-off token, the same whether the instance exists or not", async () => {
    const { instanceId, orderId, orderLineId, answer } = await createInstance();
    const appInfo = answer.json.appInfo as { frontEndUrl: string; adminUrl: string; password: string };
    // What a visitor sees: the page's text, without the framework's data (which repeats the URL), in English (the default is Chinese).
    const visible = async (url: string) => {
      const res = await fetch(url, { headers: { "accept-language": "en" } });
      const html = await res.text();
      return {
        status: res.status,
        text: html
          .replace(/<script[\s\S]*?<\/script>/g, "")
          .replace(/<[^>]+>/g, " ")
          .replace(/\s+/g, " ")
          .trim(),
      };
    };
    const unknownId = `no-such-${randomUUID()}`;
    const pages = {
      existing: await visible(appInfo.frontEndUrl),
      admin: await visible(appInfo.adminUrl),
      invalidToken: await visible(`${appInfo.frontEndUrl}?kg_token=not.a.token`),
      unknown: await visible(`${portal.baseUrl}/app/${unknownId}`),
      unknownAdmin: await visible(`${portal.baseUrl}/app/${unknownId}/admin`),
    };
    for (const [which, page] of Object.entries(pages)) {
      assert.equal(page.status, 200, which);
      assert.match(page.text, /Sign in through KooGallery/, which);
      assert.doesNotMatch(page.text, /Ready|Being prepared|Frozen|Released|Subscription ends|Trial ends/, which);
      assert.ok(!page.text.includes(instanceId) && !page.text.includes(unknownId), `${which}: no instance id`);
      assert.ok(!page.text.includes(appInfo.password), which);
      assert.equal(page.text, pages.existing.text, `${which} looks the same as an existing instance`);
    }
    assertCallbackAnswer(await callV2(portal, { activity: "releaseInstance", instanceId, orderId, orderLineId }), "000000");
    assert.equal((await visible(appInfo.frontEndUrl)).text, pages.existing.text);
  });

  test("unknown instances are 000003; a bad status is 000002", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "updateInstanceStatus", instanceId: "nope", status: "FREEZE" }), "000003");
    assertCallbackAnswer(await callV2(portal, { activity: "releaseInstance", instanceId: "nope" }), "000003");
    assertCallbackAnswer(await callV2(portal, { activity: "updateInstanceStatus", instanceId: "nope", status: "FROZEN" }), "000002");
  });
});

describe("queryInstance, upgradeInstance, orderNotify", () => {
  test("a batch returns every known instance with app info", async () => {
    const ids = [(await createInstance()).instanceId, (await createInstance()).instanceId, (await createInstance()).instanceId];
    const a = await callV2(portal, { activity: "queryInstance", instanceId: ids.join(",") });
    assertCallbackAnswer(a, "000000");
    const info = a.json.info as Array<{ instanceId: string; appInfo: { frontEndUrl: string } }>;
    assert.deepEqual(
      info.map((i) => i.instanceId),
      ids,
    );
    assert.ok(info.every((i) => i.appInfo.frontEndUrl));
  });

  test("blank, over 100 or unknown ids are refused with the right code", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "queryInstance", instanceId: "" }), "000002");
    assertCallbackAnswer(await callV2(portal, { activity: "queryInstance", instanceId: Array.from({ length: 101 }, (_, i) => `i${i}`).join(",") }), "000002");
    assertCallbackAnswer(await callV2(portal, { activity: "queryInstance", instanceId: "unknown-1" }), "000003");
  });

  test("upgrade is recorded once per order", async () => {
    const { instanceId } = await createInstance();
    const order = newOrder("UP");
    const body = { activity: "upgradeInstance", instanceId, orderId: order.orderId, orderLineId: order.orderLineId };
    assertCallbackAnswer(await callV2(portal, body), "000000");
    assertCallbackAnswer(await callV2(portal, body), "000000");
    assertCallbackAnswer(await callV2(portal, { ...body, instanceId: "nope" }), "000003");
    const events = await portal.query(`SELECT 1 FROM "InstanceEvent" WHERE "instanceId" = $1 AND kind = 'UPGRADED'`, [instanceId]);
    assert.equal(events.length, 1);
  });

  test("orderNotify is acknowledged", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "orderNotify", ...newOrder(), testFlag: "1" }), "000000");
  });
});

describe("verification", () => {
  const signedParts = (body: Record<string, unknown>, key: string, ts = String(Date.now()), nonce = generateNonce()) => {
    const payload = canonicalPayload(body, "top-sorted");
    const signature = computeBasicSignature({ accessKey: key, payload, timestamp: ts, nonce });
    return { url: `${portal.saasUrl}?signature=${signature}&timestamp=${ts}&nonce=${nonce}`, payload };
  };

  test("a tampered body is 000001 and changes nothing", async () => {
    const order = newOrder();
    const { url, payload } = signedParts({ activity: "newInstance", ...order }, portal.keys.accessKey);
    const tampered = payload.replace(order.orderLineId, `${order.orderId}-000009`);
    assertCallbackAnswer(await rawPost(url, tampered, { "content-type": "application/json" }), "000001");
    const rows = await portal.query(`SELECT 1 FROM "Instance" WHERE "orderId" = $1`, [order.orderId]);
    assert.equal(rows.length, 0);
  });

  test("a wrong key is 000001", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "newInstance", ...newOrder() }, { key: "not-the-key" }), "000001");
  });

  test("the Kit key does not sign basic calls, and the License-code key signs License-code activities only", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "queryInstance", instanceId: "x" }, { key: portal.keys.kitAccessKey }), "000001");
    assertCallbackAnswer(await callV2(portal, { activity: "queryInstance", instanceId: "x" }, { key: portal.keys.licenseCodeAccessKey }), "000001");
    const { instanceId } = await createInstance();
    assertCallbackAnswer(
      await callV2(portal, { activity: "updateInstanceStatus", instanceId, status: "FREEZE" }, { key: portal.keys.licenseCodeAccessKey }),
      "000001",
    );
    const rows = await portal.query<{ state: string }>(`SELECT state FROM "Instance" WHERE id = $1`, [instanceId]);
    assert.notEqual(rows[0]?.state, "FROZEN", "nothing changed");
    // Verified (not 000001), then answered as this address answers License-code calls.
    const licenseCall = await callV2(portal, { activity: "releaseLicenseCode", license: "lic-1" }, { key: portal.keys.licenseCodeAccessKey });
    assert.notEqual(licenseCall.json.resultCode, "000001");
  });

  test("stale and future timestamps are 000002; 10-digit seconds are accepted", async () => {
    const body = { activity: "queryInstance", instanceId: "x" };
    assertCallbackAnswer(await callV2(portal, body, { timestamp: String(Date.now() - 61_000) }), "000002");
    assertCallbackAnswer(await callV2(portal, body, { timestamp: String(Date.now() + 61_000) }), "000002");
    assertCallbackAnswer(await callV2(portal, body, { timestamp: "not-a-time" }), "000002");
    assertCallbackAnswer(await callV2(portal, body, { timestamp: String(Math.floor(Date.now() / 1000)) }), "000003");
  });

  test("a replayed nonce is 000001 the second time", async () => {
    const { instanceId } = await createInstance();
    const nonce = generateNonce();
    const ts = String(Date.now());
    const body = { activity: "updateInstanceStatus", instanceId, status: "FREEZE" };
    assertCallbackAnswer(await callV2(portal, body, { nonce, timestamp: ts }), "000000");
    assertCallbackAnswer(await callV2(portal, body, { nonce, timestamp: ts }), "000001");
    const logs = await portal.query<{ verification: string }>(
      `SELECT verification FROM "CallbackLog" WHERE "verificationInfo"->>'nonce' = $1 ORDER BY "receivedAt"`,
      [nonce],
    );
    assert.deepEqual(
      logs.map((l) => l.verification),
      ["OK", "REPLAYED_NONCE"],
    );
  });

  test("missing signature is 000001, missing nonce or timestamp 000002", async () => {
    const body = JSON.stringify({ activity: "queryInstance", instanceId: "x" });
    assertCallbackAnswer(await rawPost(`${portal.saasUrl}?timestamp=${Date.now()}&nonce=abc`, body), "000001");
    assertCallbackAnswer(await rawPost(`${portal.saasUrl}?signature=AB&timestamp=${Date.now()}`, body), "000002");
    assertCallbackAnswer(await rawPost(`${portal.saasUrl}?signature=AB&nonce=abc`, body), "000002");
  });

  test("malformed JSON, a JSON array, an empty body and megabyte bodies all get JSON 000002", async () => {
    const { url } = signedParts({ activity: "queryInstance", instanceId: "x" }, portal.keys.accessKey);
    assertCallbackAnswer(await rawPost(url, "{not json", { "content-type": "application/json" }), "000002");
    const { url: url2 } = signedParts({ activity: "queryInstance", instanceId: "x" }, portal.keys.accessKey);
    assertCallbackAnswer(await rawPost(url2, "[1,2]"), "000002");
    const { url: url3 } = signedParts({ activity: "queryInstance", instanceId: "x" }, portal.keys.accessKey);
    assertCallbackAnswer(await rawPost(url3, ""), "000002");
    const { url: url4 } = signedParts({ activity: "queryInstance", instanceId: "x" }, portal.keys.accessKey);
    assertCallbackAnswer(await rawPost(url4, `{"activity":"queryInstance","pad":"${"x".repeat(2 * 1024 * 1024)}"}`), "000002");
  });

  test("a signed body with the wrong content type is still read (KooGallery's charset spelling varies)", async () => {
    const body = { activity: "queryInstance", instanceId: "x" };
    const { url, payload } = signedParts(body, portal.keys.accessKey);
    assertCallbackAnswer(await rawPost(url, payload, { "content-type": "text/plain" }), "000003");
  });

  test("an unknown or missing activity is 000002", async () => {
    assertCallbackAnswer(await callV2(portal, { activity: "deleteEverything", instanceId: "x" }), "000002");
    assertCallbackAnswer(await callV2(portal, { instanceId: "x" }), "000002");
  });

  test("the raw body is accepted when it was signed as sent (protocol:open-questions.md#nested-json), and the form is logged", async () => {
    const order = newOrder();
    const raw = JSON.stringify({ orderLineId: order.orderLineId, activity: "newInstance", orderId: order.orderId, businessId: order.businessId });
    const ts = String(Date.now());
    const nonce = generateNonce();
    const inner = createHmac("sha256", portal.keys.accessKey).update(raw).digest("hex");
    const signature = createHmac("sha256", portal.keys.accessKey)
      .update(portal.keys.accessKey + nonce + ts + inner)
      .digest("hex");
    assertCallbackAnswer(await rawPost(`${portal.saasUrl}?signature=${signature}&timestamp=${ts}&nonce=${nonce}`, raw), "000000");
    const logs = await portal.query<{ form: string }>(`SELECT "verificationInfo"->>'form' AS form FROM "CallbackLog" WHERE "orderId" = $1`, [order.orderId]);
    assert.equal(logs[0]?.form, "raw");
  });

  test("every request is logged with the outcome, and secrets are masked", async () => {
    const { instanceId, answer } = await createInstance();
    const password = (answer.json.appInfo as Record<string, string>).password!;
    const logs = await portal.query<{ verification: string; responseMasked: string; latencyMs: number; requestSealed: string | null }>(
      `SELECT verification, "responseMasked", "latencyMs", "requestSealed" FROM "CallbackLog" WHERE "instanceId" = $1`,
      [instanceId],
    );
    assert.equal(logs.length, 1);
    assert.equal(logs[0]?.verification, "OK");
    assert.ok(!logs[0]?.responseMasked.includes(password), "the initial password is not in the log");
    assert.ok(logs[0]?.requestSealed?.startsWith("v1."));
    const stored = await portal.query<{ adminPasswordEnc: string }>(`SELECT "adminPasswordEnc" FROM "Instance" WHERE id = $1`, [instanceId]);
    assert.ok(!stored[0]?.adminPasswordEnc.includes(password), "the password is encrypted at rest");
  });
});
