// The V1 (legacy GET) production interface over real HTTP: every activity, the
// AES-encrypted app info, idempotency, and the authToken failure modes. Runs
// against PGlite or PostgreSQL (TEST_DB). Database reads are grouped: on PGlite
// each one restarts the portal.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { decryptV1Field, encryptV1Field } from "../../lib/koogallery/aes";
import { computeBodySign, parseBodySignHeader, verifyBodySign } from "../../lib/koogallery/body-sign";
import { encodeSaasExtendParams } from "../../lib/koogallery/saas-extend-params";
import { buildV1GetRequest } from "../../lib/koogallery/signer";
import { computeAuthToken, formatV1Timestamp } from "../../lib/koogallery/v1-auth-token";
import { callV1, newOrder, type Answer } from "../fixtures/koogallery";
import { startPortal, type Portal } from "../fixtures/portal";

let portal: Portal;
before(async () => {
  portal = await startPortal();
});
after(async () => {
  await portal?.close();
});

type Params = Record<string, string>;
type RawAnswer = Answer & { bytes: Buffer };

const BODY_SIGN_FORMAT = /^sign_type="HMAC-SHA256", signature= "[A-Za-z0-9+/]+={0,2}"$/;
const V1_CIPHERTEXT = /^[A-Za-z0-9]{16}[A-Za-z0-9+/]+={0,2}$/;

function assertCallbackAnswer(a: Answer, code: string, why?: string) {
  assert.equal(a.status, 200);
  assert.match(a.headers["content-type"] ?? "", /application\/json/);
  assert.equal(a.json.resultCode, code, `${why ? `${why}: ` : ""}expected ${code}, got ${a.bodyText}`);
  assert.doesNotMatch(a.bodyText, /\bat .*\(|Error:|stack|prisma/i, "no stack traces or internals in answers");
  assert.match(a.headers["body-sign"] ?? "", BODY_SIGN_FORMAT, "Body-Sign in the documented format");
  const sig = parseBodySignHeader(a.headers["body-sign"]);
  assert.ok(sig, "every answer carries Body-Sign");
  assert.equal(sig.signature, computeBodySign(portal.keys.accessKey, a.bodyText));
}

/** KooGallery repeats a call until it reads 000000, so the repeat must answer 000000 too. */
async function assertSucceedsTwice(params: Parameters<typeof callV1>[1]) {
  for (const attempt of ["first", "repeat"]) assertCallbackAnswer(await callV1(portal, params), "000000", attempt);
}

/** The URL KooGallery would call: every value (the token too) URL-encoded. */
function signedUrl(params: Params, opts: { timeStamp?: string; key?: string } = {}): string {
  return buildV1GetRequest({ baseUrl: portal.saasUrl, accessKey: opts.key ?? portal.keys.accessKey, params, timeStamp: opts.timeStamp }).url;
}

/** A GET of a hand-built URL, keeping the exact body bytes. */
async function rawGet(url: string): Promise<RawAnswer> {
  const res = await fetch(url, { headers: { Accept: "application/json" }, redirect: "manual" });
  const bytes = Buffer.from(await res.arrayBuffer());
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => (headers[k] = v));
  const bodyText = bytes.toString("utf8");
  return { status: res.status, headers, bodyText, bytes, json: JSON.parse(bodyText) as Record<string, unknown> };
}

/** A V1 purchase as KooGallery sends it (periodic unless overridden). */
function newPurchase(overrides: Params = {}): Params {
  const { orderId, businessId } = newOrder();
  return {
    activity: "newInstance",
    customerId: randomUUID().replaceAll("-", ""),
    customerName: "华为云买家 buyer",
    businessId,
    orderId,
    skuCode: "SKU-BASIC",
    productId: "00301-666666-0--0",
    chargingMode: "1",
    periodType: "month",
    periodNumber: "1",
    expireTime: "20301231235959",
    orderAmount: "99.00",
    ...overrides,
  };
}

type PlainAppInfo = { frontEndUrl: string; adminUrl?: string; userName: string; password: string };

/** Decrypts appInfo.userName/password with the merchant key and the answer's encryptType. */
function decryptAppInfo(appInfo: unknown, encryptType: unknown): PlainAppInfo {
  const info = appInfo as Record<string, string>;
  assert.equal(encryptType, "1", "AES-256 is announced");
  assert.match(info.frontEndUrl ?? "", /^https?:\/\//, "frontEndUrl travels in clear");
  for (const field of ["userName", "password"] as const) {
    const c = info[field] ?? "";
    assert.match(c, V1_CIPHERTEXT, `${field} is iv + Base64`);
    assert.ok(c.length <= 128, `${field} fits the documented 128 characters`);
  }
  return {
    frontEndUrl: info.frontEndUrl!,
    adminUrl: info.adminUrl,
    userName: decryptV1Field(info.userName!, portal.keys.accessKey, String(encryptType)),
    password: decryptV1Field(info.password!, portal.keys.accessKey, String(encryptType)),
  };
}

function assertPlausibleCredentials(plain: PlainAppInfo) {
  assert.match(plain.userName, /^[\x21-\x7e]{3,64}$/, "a printable user name");
  assert.match(plain.password, /^[\x21-\x7e]{12,64}$/, "a printable password of 12+ characters");
  assert.ok(/[A-Z]/.test(plain.password) && /[a-z]/.test(plain.password) && /[0-9]/.test(plain.password), "a mixed password");
}

async function createInstance(overrides: Params = {}) {
  const params = newPurchase(overrides);
  const answer = await callV1(portal, params);
  assertCallbackAnswer(answer, "000000");
  const instanceId = String(answer.json.instanceId);
  return { params, instanceId, answer, appInfo: decryptAppInfo(answer.json.appInfo, answer.json.encryptType) };
}

type InstanceRow = {
  id: string;
  orderId: string;
  state: string;
  isTrial: boolean;
  expireAt: string | null;
  productId: string | null;
  skuCode: string | null;
  extendParams: unknown;
  events: Array<{ kind: string; to: string | null }>;
};

const parseJson = (v: unknown) => (typeof v === "string" ? (JSON.parse(v) as unknown) : v);

/** One read of instances (by id or order id) with their event history, oldest first. */
async function readInstances(ids: string[], orderIds: string[] = []): Promise<InstanceRow[]> {
  const rows = await portal.query<InstanceRow>(
    `SELECT i.id, i."orderId", i.state::text AS state, i."isTrial", to_char(i."expireAt", 'YYYYMMDDHH24MISS') AS "expireAt",
            i."productId", i."skuCode", i."extendParams",
            COALESCE((SELECT json_agg(json_build_object('kind', e.kind, 'to', e."toState") ORDER BY e."createdAt")
                        FROM "InstanceEvent" e WHERE e."instanceId" = i.id), '[]'::json) AS events
       FROM "Instance" i
      WHERE i.id = ANY(string_to_array($1, ',')) OR i."orderId" = ANY(string_to_array($2, ','))`,
    [ids.join(","), orderIds.join(",")],
  );
  return rows.map((r) => ({ ...r, extendParams: parseJson(r.extendParams), events: parseJson(r.events) as InstanceRow["events"] }));
}

function rowOf(rows: InstanceRow[], id: string): InstanceRow {
  const row = rows.find((r) => r.id === id);
  assert.ok(row, `instance ${id} is stored`);
  return row;
}

const kinds = (row: InstanceRow) => row.events.map((e) => e.kind);

describe("newInstance", () => {
  test("answers 000000 with instanceId = businessId, encryptType 1 and AES-encrypted credentials; Body-Sign covers the exact bytes", async () => {
    const params = newPurchase({ userId: "iam-user-id", userName: "iam-user" });
    const a = await rawGet(signedUrl(params));
    assertCallbackAnswer(a, "000000");
    assert.ok(verifyBodySign(portal.keys.accessKey, a.bytes, a.headers["body-sign"]), "Body-Sign verifies over the body bytes as sent");
    assert.ok(!verifyBodySign(portal.keys.accessKey, Buffer.concat([a.bytes, Buffer.from(" ")]), a.headers["body-sign"]), "one more byte breaks it");
    assert.equal(a.json.instanceId, params.businessId);
    assert.equal(a.json.encryptType, "1");
    assert.deepEqual(Object.keys(a.json), ["resultCode", "resultMsg", "encryptType", "instanceId", "appInfo"], "the documented fields only");
    const plain = decryptAppInfo(a.json.appInfo, a.json.encryptType);
    assertPlausibleCredentials(plain);
    const sent = a.json.appInfo as Record<string, string>;
    assert.notEqual(sent.userName, plain.userName, "never in clear");
    assert.ok(!a.bodyText.includes(plain.password), "the password never travels in clear");
  });

  test("a repeat with a new businessId (the buyer's resource page, KooGallery's retries) answers the same instance and credentials", async () => {
    const first = await createInstance();
    const again = await callV1(portal, { ...first.params, businessId: randomUUID() });
    assertCallbackAnswer(again, "000000");
    assert.equal(again.json.instanceId, first.instanceId);
    assert.deepEqual(decryptAppInfo(again.json.appInfo, again.json.encryptType), first.appInfo);

    const concurrent = await Promise.all(Array.from({ length: 10 }, () => callV1(portal, { ...first.params, businessId: randomUUID() })));
    for (const a of concurrent) {
      assertCallbackAnswer(a, "000000");
      assert.equal(a.json.instanceId, first.instanceId);
    }
  });

  test("periodic: one instance per orderId, whatever the productId", async () => {
    const first = await createInstance();
    const other = await callV1(portal, { ...first.params, businessId: randomUUID(), productId: "00301-777777-0--0" });
    assertCallbackAnswer(other, "000000");
    assert.equal(other.json.instanceId, first.instanceId);
  });

  test("on-demand (chargingMode 0): one instance per orderId + productId", async () => {
    const p1 = newPurchase({ chargingMode: "0", productId: "OD-PRODUCT-1" });
    delete p1.expireTime;
    delete p1.periodType;
    delete p1.periodNumber;
    const a1 = await callV1(portal, p1);
    assertCallbackAnswer(a1, "000000");
    const p2 = { ...p1, productId: "OD-PRODUCT-2", businessId: randomUUID() };
    const a2 = await callV1(portal, p2);
    assertCallbackAnswer(a2, "000000");
    assert.equal(a1.json.instanceId, p1.businessId);
    assert.equal(a2.json.instanceId, p2.businessId, "another product of the same order is another instance");

    const repeat = await callV1(portal, { ...p1, businessId: randomUUID() });
    assertCallbackAnswer(repeat, "000000");
    assert.equal(repeat.json.instanceId, a1.json.instanceId, "the same product again is the same instance");
  });

  test("encrypted mobilePhone and email (iv + Base64, URL-encoded) are accepted", async () => {
    const key = portal.keys.accessKey;
    const params = newPurchase({ mobilePhone: encryptV1Field("15528266072", key, "1"), email: encryptV1Field("buyer+tag@example.com", key, "1") });
    const a = await callV1(portal, params);
    assertCallbackAnswer(a, "000000");
    assert.equal(a.json.instanceId, params.businessId);
  });

  test("saasExtendParams are stored decoded, also when sent doc-style with a literal '+'; garbage is 000002 and creates nothing", async () => {
    const list = [
      { name: "emailDomainName", value: "example.com" },
      { name: "identificationCode", value: "识别码-42" },
    ];
    const withParams = await createInstance({ saasExtendParams: encodeSaasExtendParams(list) });

    const garbage = [
      "%%% not base64 %%%",
      "not*base64",
      Buffer.from("not json at all").toString("base64"),
      Buffer.from(JSON.stringify({ name: "a", value: "b" })).toString("base64"),
      Buffer.from(JSON.stringify([{ name: 1 }])).toString("base64"),
    ];
    const refusedOrders: string[] = [];
    for (const saasExtendParams of garbage) {
      const params = newPurchase({ saasExtendParams });
      refusedOrders.push(params.orderId!);
      assertCallbackAnswer(await callV1(portal, params), "000002");
    }

    // protocol:saas-interface.md#v1-upgrade shows values sent unencoded; a Base64 '+' must not become a space, in the token or in the values.
    let literal: { params: Params; list: typeof list; url: string } | undefined;
    for (let i = 0; !literal; i += 1) {
      assert.ok(i < 5000, "a case with '+' in the extension and the token turns up quickly");
      const list2 = [{ name: "identificationCode", value: `>>>?${i}` }];
      const params = newPurchase({ saasExtendParams: encodeSaasExtendParams(list2), timeStamp: formatV1Timestamp(new Date()) });
      const token = computeAuthToken(params, portal.keys.accessKey);
      if (params.saasExtendParams!.includes("+") && token.includes("+")) {
        const query = Object.entries(params)
          .map(([k, v]) => `${k}=${k === "saasExtendParams" ? v : encodeURIComponent(v)}`)
          .join("&");
        literal = { params, list: list2, url: `${portal.saasUrl}?${query}&authToken=${token}` };
      }
    }
    const literalAnswer = await rawGet(literal.url);
    assertCallbackAnswer(literalAnswer, "000000");
    assert.equal(literalAnswer.json.instanceId, literal.params.businessId);

    const rows = await readInstances([withParams.instanceId, literal.params.businessId!], refusedOrders);
    assert.deepEqual(rowOf(rows, withParams.instanceId).extendParams, list);
    assert.deepEqual(rowOf(rows, literal.params.businessId!).extendParams, literal.list);
    assert.deepEqual(rows.map((r) => r.id).sort(), [withParams.instanceId, literal.params.businessId!].sort(), "refused purchases left no instance");
  });

  test("missing mandatory parameters are 000002", async () => {
    const params = newPurchase();
    delete params.customerId;
    assertCallbackAnswer(await callV1(portal, params), "000002");
    const noOrder = newPurchase();
    delete noOrder.orderId;
    assertCallbackAnswer(await callV1(portal, noOrder), "000002");
    assertCallbackAnswer(await callV1(portal, newPurchase({ expireTime: "2030-12-31" })), "000002");
  });
});

describe("refreshInstance", () => {
  test("renewal sets the expiry once per order; trialToFormal=1 ends the trial; a negative amount is a refunded renewal period", async () => {
    const renewed = await createInstance();
    const trial = await createInstance({ trialFlag: "1" });
    const stillTrial = await createInstance({ trialFlag: "1" });
    const refunded = await createInstance();

    const renewal = {
      activity: "refreshInstance",
      instanceId: renewed.instanceId,
      orderId: newOrder("RN").orderId,
      expireTime: "20310101120000",
      periodType: "month",
      periodNumber: "1",
      orderAmount: "99.000",
    };
    await assertSucceedsTwice(renewal);
    const nextYear = { ...renewal, orderId: newOrder("RN").orderId, expireTime: "20320101120000", productId: "00301-666666-1--0", periodType: "year" };
    assertCallbackAnswer(await callV1(portal, nextYear), "000000");

    const toFormal = {
      activity: "refreshInstance",
      instanceId: trial.instanceId,
      orderId: newOrder("TF").orderId,
      expireTime: "20310601000000",
      trialToFormal: "1",
      orderAmount: "120",
    };
    await assertSucceedsTwice(toFormal);

    const refund = {
      activity: "refreshInstance",
      instanceId: refunded.instanceId,
      orderId: newOrder("RF").orderId,
      expireTime: "20301130235959",
      orderAmount: "-12.5",
    };
    await assertSucceedsTwice(refund);

    const rows = await readInstances([renewed.instanceId, trial.instanceId, stillTrial.instanceId, refunded.instanceId]);
    const r = rowOf(rows, renewed.instanceId);
    assert.deepEqual(kinds(r), ["CREATED_AND_PROVISIONED", "RENEWAL", "RENEWAL"], "the repeated order had no second effect; a new order did");
    assert.equal(r.expireAt, "20320101120000");
    assert.equal(r.productId, "00301-666666-1--0", "a changed period type changes the productId");
    assert.equal(r.skuCode, "SKU-BASIC");

    const t = rowOf(rows, trial.instanceId);
    assert.deepEqual(kinds(t), ["CREATED_AND_PROVISIONED", "TRIAL_TO_FORMAL"]);
    assert.equal(t.isTrial, false);
    assert.equal(t.expireAt, "20310601000000");
    assert.equal(rowOf(rows, stillTrial.instanceId).isTrial, true, "trialFlag 1 creates a trial instance");

    const u = rowOf(rows, refunded.instanceId);
    assert.deepEqual(kinds(u), ["CREATED_AND_PROVISIONED", "UNSUBSCRIBE_RENEWAL_PERIOD"]);
    assert.equal(u.expireAt, "20301130235959");
  });

  test("a bad expireTime or amount is 000002", async () => {
    const { instanceId } = await createInstance();
    const base = { activity: "refreshInstance", instanceId, orderId: newOrder("RN").orderId };
    assertCallbackAnswer(await callV1(portal, { ...base, expireTime: "20301324" }), "000002");
    assertCallbackAnswer(await callV1(portal, { ...base, expireTime: "20300230000000" }), "000002");
    assertCallbackAnswer(await callV1(portal, base), "000002");
    assertCallbackAnswer(await callV1(portal, { ...base, expireTime: "20310101000000", orderAmount: "ten" }), "000002");
  });
});

describe("expireInstance and instanceStatus", () => {
  test("expiry freezes (EXPIRED), NORMAL unfreezes to ACTIVE, FREEZE/NORMAL repeats succeed with one effect", async () => {
    const expired = await createInstance();
    const frozen = await createInstance();
    const expire = { activity: "expireInstance", instanceId: expired.instanceId, orderId: expired.params.orderId! };
    assertCallbackAnswer(await callV1(portal, expire), "000000");
    // The documented example leaves orderId out.
    assertCallbackAnswer(await callV1(portal, { activity: "expireInstance", instanceId: expired.instanceId, testFlag: "0" }), "000000");
    for (const instanceStatus of ["NORMAL", "NORMAL"]) {
      assertCallbackAnswer(await callV1(portal, { activity: "instanceStatus", instanceId: expired.instanceId, instanceStatus }), "000000");
    }
    for (const instanceStatus of ["FREEZE", "FREEZE"]) {
      assertCallbackAnswer(await callV1(portal, { activity: "instanceStatus", instanceId: frozen.instanceId, instanceStatus }), "000000");
    }
    assertCallbackAnswer(
      await callV1(portal, { activity: "instanceStatus", instanceId: frozen.instanceId, instanceStatus: "UNFREEZE" }),
      "000002",
      "V1 says NORMAL, not V2's UNFREEZE",
    );

    const rows = await readInstances([expired.instanceId, frozen.instanceId]);
    const e = rowOf(rows, expired.instanceId);
    assert.deepEqual(e.events, [
      { kind: "CREATED_AND_PROVISIONED", to: "ACTIVE" },
      { kind: "EXPIRED", to: "FROZEN" },
      { kind: "UNFROZEN", to: "ACTIVE" },
    ]);
    assert.equal(e.state, "ACTIVE");
    const f = rowOf(rows, frozen.instanceId);
    assert.deepEqual(f.events, [
      { kind: "CREATED_AND_PROVISIONED", to: "ACTIVE" },
      { kind: "FROZEN", to: "FROZEN" },
    ]);
    assert.equal(f.state, "FROZEN");
  });
});

describe("releaseInstance and upgrade", () => {
  test("release succeeds, a repeat is 000000; the released instance cannot be renewed, unfrozen or upgraded", async () => {
    const { instanceId, params } = await createInstance();
    const release = { activity: "releaseInstance", instanceId, orderId: params.orderId!, orderAmount: "0" };
    await assertSucceedsTwice(release);
    assertCallbackAnswer(await callV1(portal, { activity: "releaseInstance", instanceId }), "000000");
    assertCallbackAnswer(await callV1(portal, { activity: "instanceStatus", instanceId, instanceStatus: "FREEZE" }), "000000");
    assertCallbackAnswer(await callV1(portal, { activity: "instanceStatus", instanceId, instanceStatus: "NORMAL" }), "000003");
    assertCallbackAnswer(
      await callV1(portal, { activity: "refreshInstance", instanceId, orderId: newOrder("RN").orderId, expireTime: "20310101000000" }),
      "000003",
    );
    assertCallbackAnswer(
      await callV1(portal, { activity: "upgrade", instanceId, orderId: newOrder("UP").orderId, skuCode: "SKU-PRO", productId: "00301-888888-0--0" }),
      "000003",
    );
  });

  test("upgrade with skuCode/productId changes the instance's specification once per order", async () => {
    const { instanceId } = await createInstance();
    const docExtendParams =
      "W3sibmFtZSI6ImlkTnVtIiwidmFsdWUiOiIzNTIyNTU1NTU1NTU2NTYifSx7Im5hbWUiOiJ1c2VyTmFtZSIsInZhbHVlIjoiaHVhd2VpMTIzIn0seyJuYW1lIjoiY3VzdEVtYWlsIiwidmFs" +
      "dWUiOiIxMjNAaHVhd2VpLmNvbSJ9XQ==";
    const upgrade = {
      activity: "upgrade",
      instanceId,
      orderId: newOrder("UP").orderId,
      skuCode: "SKU-PRO",
      productId: "00301-888888-0--0",
      amount: "6456",
      saasExtendParams: docExtendParams,
    };
    await assertSucceedsTwice(upgrade);
    const noSku = { ...upgrade, orderId: newOrder("UP").orderId } as Params;
    delete noSku.skuCode;
    assertCallbackAnswer(await callV1(portal, noSku), "000002");

    const rows = await readInstances([instanceId]);
    const row = rowOf(rows, instanceId);
    assert.equal(row.skuCode, "SKU-PRO");
    assert.equal(row.productId, "00301-888888-0--0");
    assert.deepEqual(row.extendParams, [
      { name: "idNum", value: "352255555555656" },
      { name: "userName", value: "huawei123" },
      { name: "custEmail", value: "123@huawei.com" },
    ]);
    assert.deepEqual(kinds(row), ["CREATED_AND_PROVISIONED", "UPGRADED"], "the repeat had no second effect");
  });
});

describe("queryInstance", () => {
  test("a batch of 3 answers every instance with encryptType and encrypted credentials", async () => {
    const created = [await createInstance(), await createInstance(), await createInstance()];
    const ids = created.map((c) => c.instanceId);
    const a = await callV1(portal, { activity: "queryInstance", instanceId: ids.join(","), testFlag: "1" });
    assertCallbackAnswer(a, "000000");
    assert.equal(a.json.encryptType, "1");
    const info = a.json.info as Array<{ instanceId: string; appInfo: unknown }>;
    assert.deepEqual(
      info.map((i) => i.instanceId),
      ids,
    );
    info.forEach((i, n) => assert.deepEqual(decryptAppInfo(i.appInfo, a.json.encryptType), created[n]!.appInfo));

    const single = await callV1(portal, { activity: "queryInstance", instanceId: ids[1]! });
    assertCallbackAnswer(single, "000000");
    const one = single.json.info as Array<{ instanceId: string; appInfo: unknown }>;
    assert.deepEqual(
      one.map((i) => i.instanceId),
      [ids[1]],
    );
    assert.deepEqual(decryptAppInfo(one[0]!.appInfo, single.json.encryptType), created[1]!.appInfo);

    const mixed = await callV1(portal, { activity: "queryInstance", instanceId: `${ids[0]},no-such-instance` });
    assertCallbackAnswer(mixed, "000000");
    assert.deepEqual(
      (mixed.json.info as Array<{ instanceId: string }>).map((i) => i.instanceId),
      [ids[0]],
      "unknown ids are left out",
    );
  });

  test("blank or over 100 ids are 000002", async () => {
    assertCallbackAnswer(await callV1(portal, { activity: "queryInstance", instanceId: "" }), "000002");
    assertCallbackAnswer(await callV1(portal, { activity: "queryInstance", instanceId: "a,,b" }), "000002");
    assertCallbackAnswer(await callV1(portal, { activity: "queryInstance", instanceId: Array.from({ length: 101 }, (_, i) => `i${i}`).join(",") }), "000002");
  });
});

describe("unknown instances", () => {
  test("refresh, expire, release, upgrade, instanceStatus and queryInstance answer 000003", async () => {
    const instanceId = `no-such-${randomUUID()}`;
    const orderId = newOrder().orderId;
    const calls: Params[] = [
      { activity: "refreshInstance", instanceId, orderId, expireTime: "20310101000000" },
      { activity: "expireInstance", instanceId, orderId },
      { activity: "releaseInstance", instanceId, orderId },
      { activity: "upgrade", instanceId, orderId, skuCode: "SKU-PRO", productId: "00301-888888-0--0" },
      { activity: "instanceStatus", instanceId, instanceStatus: "FREEZE" },
      { activity: "instanceStatus", instanceId, instanceStatus: "NORMAL" },
      { activity: "queryInstance", instanceId },
      { activity: "queryInstance", instanceId: `${instanceId},${instanceId}-2` },
    ];
    for (const params of calls) assertCallbackAnswer(await callV1(portal, params), "000003");
  });
});

describe("verification", () => {
  const queryOf = (instanceId: string) => ({ activity: "queryInstance", instanceId });

  test("a parameter changed, added or removed after signing is 000001 and changes nothing", async () => {
    const params = newPurchase();
    const url = signedUrl(params);
    const orderParam = `orderId=${encodeURIComponent(params.orderId!)}`;
    assert.ok(url.includes(orderParam));
    assertCallbackAnswer(await rawGet(url.replace(orderParam, `orderId=${encodeURIComponent(`${params.orderId}X`)}`)), "000001");
    assertCallbackAnswer(await rawGet(url.replace("chargingMode=1", "chargingMode=0")), "000001");
    assertCallbackAnswer(await rawGet(`${url}&trialFlag=1`), "000001");
    assertCallbackAnswer(await rawGet(url.replace(/&skuCode=[^&]*/, "")), "000001");
    const token = new URL(url).searchParams.get("authToken")!;
    const flipped = token.replace(/[A-Za-z]/, (c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()));
    assertCallbackAnswer(await rawGet(url.replace(`authToken=${encodeURIComponent(token)}`, `authToken=${encodeURIComponent(flipped)}`)), "000001");
    assertCallbackAnswer(await callV1(portal, queryOf(params.businessId!)), "000003", "nothing was created");
  });

  test("a wrong key is 000001", async () => {
    const params = newPurchase();
    assertCallbackAnswer(await callV1(portal, params, { key: "not-the-key" }), "000001");
    assertCallbackAnswer(await callV1(portal, params, { key: portal.keys.kitAccessKey }), "000001");
    assertCallbackAnswer(await callV1(portal, queryOf(params.businessId!)), "000003", "nothing was created");
  });

  test("a missing authToken is 000001; a missing timeStamp is 000002", async () => {
    const url = signedUrl(queryOf("x"));
    const withoutToken = url.replace(/&authToken=[^&]*/, "");
    assert.ok(!withoutToken.includes("authToken"));
    assertCallbackAnswer(await rawGet(withoutToken), "000001");
    assertCallbackAnswer(await rawGet(`${withoutToken}&authToken=`), "000001");
    assertCallbackAnswer(await rawGet(portal.saasUrl), "000001");
    const withoutTimeStamp = url.replace(/&timeStamp=[^&]*/, "");
    assert.ok(!withoutTimeStamp.includes("timeStamp"));
    assertCallbackAnswer(await rawGet(withoutTimeStamp), "000002");
  });

  test("a malformed timeStamp is 000002", async () => {
    for (const timeStamp of ["2024-06-01T00:00:00Z", String(Date.now()), "20230230120000000", formatV1Timestamp(new Date()).slice(0, 14), "abc"]) {
      assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp }), "000002");
    }
  });

  test("stale and future timeStamps (beyond the 300 s default window) are 000002; inside it they are accepted", async () => {
    const at = (offsetMs: number) => formatV1Timestamp(new Date(Date.now() + offsetMs));
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-400_000) }), "000002");
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-24 * 3600_000) }), "000002");
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(400_000) }), "000002");
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-200_000) }), "000003");
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(200_000) }), "000003");
  });

  test("the window follows KOOGALLERY_V1_MAX_SKEW_SECONDS", async () => {
    const at = (offsetMs: number) => formatV1Timestamp(new Date(Date.now() + offsetMs));
    await portal.restart({ KOOGALLERY_V1_MAX_SKEW_SECONDS: "30" });
    try {
      assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-60_000) }), "000002");
      assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(60_000) }), "000002");
      assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-10_000) }), "000003");
    } finally {
      await portal.restart({ KOOGALLERY_V1_MAX_SKEW_SECONDS: "" });
    }
    assertCallbackAnswer(await callV1(portal, queryOf("x"), { timeStamp: at(-200_000) }), "000003", "back to the default");
  });

  test("an authToken with a literal, unencoded '+' (as in the protocol:signatures.md#v1-authtoken examples) is accepted", async () => {
    const params = newPurchase();
    let timeStamp = "";
    let token = "";
    for (let i = 0; !token.includes("+"); i += 1) {
      assert.ok(i < 1000, "a token with '+' turns up quickly");
      timeStamp = formatV1Timestamp(new Date(Date.now() - i));
      token = computeAuthToken({ ...params, timeStamp }, portal.keys.accessKey);
    }
    const query = Object.entries({ ...params, timeStamp })
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
      .join("&");
    const url = `${portal.saasUrl}?${query}&authToken=${token}`;
    assert.ok(url.includes("+") && !url.includes("%2B"), "the '+' travels literally");
    const a = await rawGet(url);
    assertCallbackAnswer(a, "000000");
    assert.equal(a.json.instanceId, params.businessId);
  });

  test("an unknown or missing activity is 000002", async () => {
    assertCallbackAnswer(await callV1(portal, { activity: "deleteEverything", instanceId: "x" }), "000002");
    assertCallbackAnswer(await callV1(portal, { activity: "upgradeInstance", instanceId: "x" }), "000002");
    assertCallbackAnswer(await callV1(portal, { instanceId: "x" }), "000002");
  });
});
