// The joint-operation Kit V2 interfaces over real HTTP (POST
// /api/koogallery/saas/produceAPI/v2/<sync>, x-sign headers): every sync with
// add/modify/revoke/delete and repeats, credential-debugging data, the three
// OAEP variants and an undecryptable secret, out-of-order and cyclic
// departments, full-sync diffs and orphaned users, every verification failure,
// the canonical forms, and a 20,000-department full sync. Calls come first;
// the database is read once at the end (on PGlite each read restarts the portal).
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { openSecret } from "../../lib/crypto/secret-box";
import { canonicalPayload } from "../../lib/koogallery/canonical-json";
import { encryptClientSecret, oaepVariants } from "../../lib/koogallery/rsa-oaep";
import { buildKitV2Request, generateNonce } from "../../lib/koogallery/signer";
import { computeKitSignature } from "../../lib/koogallery/signature-v2";
import { formatV1Timestamp } from "../../lib/koogallery/v1-auth-token";
import { generateOrgTree } from "../../testing/sample-org-tree";
import type { Answer } from "../fixtures/koogallery";
import type { Portal } from "../fixtures/portal";
import {
  assertKitAnswer,
  BIG_TENANT_PREFIX,
  eventsOf,
  grantStepsOf,
  kitV2,
  logsOf,
  postRaw,
  snapshotKit,
  startKitPortal,
  type KitPortal,
  type KitSnapshot,
} from "./kit-helpers";

let kp: KitPortal;
let portal: Portal;
before(async () => {
  kp = await startKitPortal();
  portal = kp.portal;
});
after(async () => {
  await kp?.close();
});

const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
/** The Kit's timeStamp field: UTC+8 yyyyMMddHHmmssSSS. */
const timeStamp = () => formatV1Timestamp(new Date(), 8 * 60);
const ok = async (a: Promise<Answer>, why?: string) => assertKitAnswer(portal, await a, "000000", why);
const code = async (expected: string, a: Promise<Answer>, why?: string) => assertKitAnswer(portal, await a, expected, why);

// Tenants, each used by one part of the file.
const acme = { tenantId: uid("acme"), instanceId: uid("inst"), orderId: uid("CS") };
const acmeOther = { ...acme, instanceId: uid("inst-2"), orderId: uid("CS") };
const ghost = uid("ghost");
const debug = uid("debug");
const testTenant = { tenantId: uid("test"), instanceId: uid("inst"), orderId: uid("CS") };
const modifiedFirst = { tenantId: uid("mod"), instanceId: uid("inst"), orderId: uid("CS") };
const noSecret = { tenantId: uid("nosecret"), instanceId: uid("inst") };
const grants = { tenantId: uid("grants"), instanceId: uid("inst") };
const tree = { tenantId: uid("tree"), instanceId: uid("inst") };
const full = { tenantId: uid("full"), instanceId: uid("inst") };
const big = { tenantId: `${BIG_TENANT_PREFIX}${randomUUID().slice(0, 8)}`, instanceId: uid("inst") };
const forged = uid("forged");
const ordered = { tenantId: uid("ordered"), instanceId: uid("inst"), orderId: uid("CS") };

const tenantBody = (t: { tenantId: string; instanceId: string; orderId: string }, flag: number, name = "Acme", domainName = "https://acme.example") => ({
  ...t,
  tenantCode: "acme",
  name,
  domainName,
  flag,
  testFlag: 0,
  timeStamp: timeStamp(),
});

describe("tenantSync", () => {
  test("add, repeat, modify, delete, repeat delete, add again: all 000000", async () => {
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 1)), "add");
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 1)), "repeated add");
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 2, "Acme Renamed", "https://renamed.example")), "modify");
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 0)), "delete");
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 0)), "repeated delete");
    await ok(kitV2(portal, "tenantSync", tenantBody(acme, 1, "Acme Again")), "add after delete");
  });

  test("the same tenant under another instance is another row; deleting it leaves the first alone", async () => {
    await ok(kitV2(portal, "tenantSync", tenantBody(acmeOther, 1)));
    await ok(kitV2(portal, "tenantSync", tenantBody(acmeOther, 0)));
  });

  test("deleting a tenant never seen succeeds and stores nothing", async () => {
    await ok(kitV2(portal, "tenantSync", tenantBody({ tenantId: ghost, instanceId: uid("inst"), orderId: uid("CS") }, 0)));
  });

  test("credential debugging (empty instanceId and orderId) and testFlag 1 are stored as test data", async () => {
    await ok(kitV2(portal, "tenantSync", { ...tenantBody({ tenantId: debug, instanceId: "", orderId: "" }, 1), name: "Debug" }));
    await ok(kitV2(portal, "tenantSync", { ...tenantBody(testTenant, 1), testFlag: 1 }));
  });

  test("a modify of an unknown tenant creates it", async () => {
    await ok(kitV2(portal, "tenantSync", tenantBody(modifiedFirst, 2, "Created By Modify")));
  });

  test("bad fields are 000002", async () => {
    await code("000002", kitV2(portal, "tenantSync", { ...tenantBody(acme, 1), flag: 5 }));
    const { tenantId: _omit, ...noTenant } = tenantBody(acme, 1);
    await code("000002", kitV2(portal, "tenantSync", noTenant));
  });
});

const secrets = { first: `first-${randomBytes(12).toString("hex")}`, second: `second-${randomBytes(12).toString("hex")}` };
let foreignPublicKey: string;
const undecryptable: string[] = [];

const appBody = (t: { tenantId: string; instanceId: string }, appId: string, flag: number, clientSecret?: string) => ({
  ...t,
  appId,
  clientId: `client-${appId}`,
  ...(clientSecret === undefined ? {} : { clientSecret }),
  flag,
  testFlag: 0,
  timeStamp: timeStamp(),
});

describe("applicationSync", () => {
  before(() => {
    foreignPublicKey = generateKeyPairSync("rsa", {
      modulusLength: 3072,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    }).publicKey;
  });

  for (const variant of oaepVariants) {
    test(`a clientSecret encrypted with OAEP ${variant} is decrypted and stored sealed`, async () => {
      await ok(kitV2(portal, "applicationSync", appBody(acme, `app-${variant}`, 1, encryptClientSecret(`secret-${variant}`, kp.publicKeyPem, variant))));
    });
  }

  test("add, repeat (new ciphertext, same secret), modify, delete, repeat delete: all 000000", async () => {
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-1", 1, encryptClientSecret(secrets.first, kp.publicKeyPem, "sha256-mgf1sha256"))));
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-1", 1, encryptClientSecret(secrets.first, kp.publicKeyPem, "sha256-mgf1sha256"))));
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-1", 2, encryptClientSecret(secrets.second, kp.publicKeyPem, "sha1-mgf1sha1"))));
    // An undecryptable modify changes nothing (checked at the end: the second secret stays).
    const garbage = randomBytes(384).toString("base64");
    undecryptable.push(garbage);
    await code("000101", kitV2(portal, "applicationSync", appBody(acme, "app-1", 2, garbage)));
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-1", 0)));
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-1", 0)));
    await ok(kitV2(portal, "applicationSync", appBody(acme, "app-never-seen", 0)));
    await ok(kitV2(portal, "applicationSync", appBody({ tenantId: ghost, instanceId: uid("inst") }, "app-1", 0)));
  });

  test("an undecryptable secret is 000101 'something wrong with appSecret' and stores nothing", async () => {
    const foreign = encryptClientSecret("not for us", foreignPublicKey, "sha256-mgf1sha256");
    const random = randomBytes(384).toString("base64");
    undecryptable.push(foreign, random);
    for (const secret of [foreign, random, "not base64 at all!"]) {
      const a = await kitV2(portal, "applicationSync", appBody(noSecret, "app-x", 1, secret));
      assertKitAnswer(portal, a, "000101");
      assert.equal(a.json.resultMsg, "something wrong with appSecret");
    }
  });

  test("a missing clientSecret on add is 000002", async () => {
    await code("000002", kitV2(portal, "applicationSync", appBody(noSecret, "app-y", 1)));
  });
});

const contact = { mobile: "13912345678", email: "alice.secret@example.cn" };

/** userList members in KooGallery's (unsorted) field order. */
const member = (userName: string, orgCode: string, extra: Record<string, unknown> = {}) => ({
  userName,
  role: "user",
  name: `Name of ${userName}`,
  orgCode,
  enable: "true",
  ...extra,
});

const grantBody = (t: { tenantId: string; instanceId: string }, flag: number, userList: unknown[], appId = "crm") => ({
  ...t,
  appId,
  userList,
  currentSyncTime: timeStamp(),
  flag,
  testFlag: 0,
  timeStamp: timeStamp(),
});

describe("authSync", () => {
  test("add (nested members in unsorted order: top-sorted form), repeat, modify, revoke, delete: all 000000", async () => {
    await ok(kitV2(portal, "singleOrgSync", { ...grants, orgCode: "D-SALES", orgName: "Sales", parentCode: "", flag: 1, testFlag: 0, timeStamp: timeStamp() }));
    const alice = member("alice", "D-SALES", { role: "admin", position: "Lead", employeeType: 1, workPlace: "南京", entryDate: "2022-11-9", ...contact });
    const users = [alice, member("bob", "D-SALES"), member("carol", "D-NOPE")];
    await ok(kitV2(portal, "authSync", grantBody(grants, 1, users)), "add");
    await ok(kitV2(portal, "authSync", grantBody(grants, 1, users)), "repeated add");
    await ok(
      kitV2(portal, "authSync", grantBody(grants, 2, [member("bob", "D-SALES", { role: "admin", enable: "false" }), member("carol", "D-SALES")])),
      "modify",
    );
    await ok(kitV2(portal, "authSync", grantBody(grants, 3, [member("alice", "D-SALES")])), "revoke");
    await ok(kitV2(portal, "authSync", grantBody(grants, 3, [member("alice", "D-SALES")])), "repeated revoke");
    await ok(kitV2(portal, "authSync", grantBody(grants, 0, [member("bob", "D-SALES"), member("nobody", "D-SALES")])), "delete");
    await ok(kitV2(portal, "authSync", grantBody(grants, 0, [member("bob", "D-SALES")])), "repeated delete");
    await ok(kitV2(portal, "authSync", grantBody({ tenantId: ghost, instanceId: uid("inst") }, 0, [member("bob", "D-SALES")])), "delete for an unknown tenant");
  });

  test("500 users in one call are accepted; 501 are 000002", async () => {
    const many = Array.from({ length: 500 }, (_, i) =>
      member(`bulk${String(i).padStart(3, "0")}`, "D-SALES", { mobile: `1390000${String(i).padStart(4, "0")}` }),
    );
    await ok(kitV2(portal, "authSync", grantBody(grants, 1, many, "bulk")));
    await code("000002", kitV2(portal, "authSync", grantBody(grants, 1, [...many, member("one-too-many", "D-SALES")], "bulk")));
  });
});

describe("singleOrgSync", () => {
  const dept = (orgCode: string, parentCode: string, flag: number, orgName = `Dept ${orgCode}`) => ({
    ...tree,
    orgCode,
    orgName,
    parentCode,
    flag,
    testFlag: 0,
    timeStamp: timeStamp(),
  });

  test("a child before its parent waits, and is attached when the parent comes", async () => {
    await ok(kitV2(portal, "singleOrgSync", dept("CHILD", "PARENT", 1)));
    await ok(kitV2(portal, "singleOrgSync", dept("CHILD", "PARENT", 1)), "repeated add");
    await ok(kitV2(portal, "singleOrgSync", dept("PARENT", "", 1)));
    await ok(kitV2(portal, "singleOrgSync", dept("CHILD", "PARENT", 2, "Child Renamed")), "rename");
  });

  test("a move that would make a cycle is refused with 000002 and logged", async () => {
    await code("000002", kitV2(portal, "singleOrgSync", dept("PARENT", "CHILD", 2)));
  });

  test("deleting a department orphans its users; deleting an absent one succeeds", async () => {
    await ok(kitV2(portal, "singleOrgSync", dept("TEMP", "PARENT", 1)));
    await ok(kitV2(portal, "authSync", grantBody(tree, 1, [member("dave", "TEMP")])));
    await ok(kitV2(portal, "singleOrgSync", dept("TEMP", "PARENT", 0)));
    await ok(kitV2(portal, "singleOrgSync", dept("TEMP", "PARENT", 0)), "repeated delete");
    await ok(kitV2(portal, "singleOrgSync", dept("NEVER", "", 0)), "delete of an absent department");
  });
});

describe("allOrgSync", () => {
  const body = (orgInfoList: unknown) => ({ ...full, orgInfoList, testFlag: 0, timeStamp: timeStamp() });
  const org = (orgCode: string, parentCode = "", orgName = `Org ${orgCode}`) => ({ orgCode, orgName, parentCode });
  const second = [org("A"), org("B", "A"), org("E", "B", "Org E2")];

  test("a full list replaces the tree; the diff is recorded and users of removed departments are orphaned", async () => {
    await ok(kitV2(portal, "allOrgSync", body([org("A"), org("B", "A"), org("C", "B"), org("E", "A")])));
    await ok(kitV2(portal, "authSync", grantBody(full, 1, [member("in-c", "C"), member("in-e", "E")])));
    await ok(kitV2(portal, "allOrgSync", body(second)));
    await ok(kitV2(portal, "allOrgSync", body(second)), "repeat");
    // The doc example's form: the list as a JSON string.
    await ok(kitV2(portal, "allOrgSync", body(JSON.stringify(second))), "list as a string");
  });

  test("duplicate codes and cycles in a full list are 000002", async () => {
    await code("000002", kitV2(portal, "allOrgSync", body([org("A"), org("A")])));
    await code("000002", kitV2(portal, "allOrgSync", body([org("X", "Y"), org("Y", "X")])));
  });
});

const nonces = { replayed: generateNonce() };

describe("verification", () => {
  const body = () => tenantBody({ tenantId: forged, instanceId: uid("inst"), orderId: uid("CS") }, 1);
  const kitUrl = (name: string) => `${portal.saasUrl}/produceAPI/v2/${name}`;

  test("a wrong key, the basic key, a tampered body or a missing x-sign is 000001 and changes nothing", async () => {
    await code("000001", kitV2(portal, "tenantSync", body(), { key: "not-the-kit-key" }), "wrong key");
    await code("000001", kitV2(portal, "tenantSync", body(), { key: portal.keys.accessKey }), "the basic key does not sign Kit calls");
    const req = buildKitV2Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    const tampered = req.body!.replace('"name":"Acme"', '"name":"Evil"');
    assert.notEqual(tampered, req.body);
    await code("000001", postRaw(req.url, tampered, req.headers), "tampered");
    const { "x-sign": _omit, ...unsigned } = req.headers;
    await code("000001", postRaw(req.url, req.body!, unsigned), "missing x-sign");
  });

  test("stale, future, malformed or missing timestamps and a missing nonce are 000002", async () => {
    await code("000002", kitV2(portal, "tenantSync", body(), { timestamp: String(Date.now() - 61_000) }), "stale");
    await code("000002", kitV2(portal, "tenantSync", body(), { timestamp: String(Date.now() + 61_000) }), "future");
    await code("000002", kitV2(portal, "tenantSync", body(), { timestamp: "yesterday" }), "malformed");
    const req = buildKitV2Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    const { "x-nonce": _n, ...noNonce } = req.headers;
    await code("000002", postRaw(req.url, req.body!, noNonce), "missing nonce");
    const { "x-timestamp": _t, ...noTimestamp } = req.headers;
    await code("000002", postRaw(req.url, req.body!, noTimestamp), "missing timestamp");
  });

  test("a replayed nonce is 000001 the second time", async () => {
    const replay = { ...tenantBody({ tenantId: uid("replay"), instanceId: uid("inst"), orderId: uid("CS") }, 1) };
    const ts = String(Date.now());
    await ok(kitV2(portal, "tenantSync", replay, { nonce: nonces.replayed, timestamp: ts }));
    await code("000001", kitV2(portal, "tenantSync", replay, { nonce: nonces.replayed, timestamp: ts }));
  });

  test("a body that is not a JSON object is 000002; an unknown sync is 000002 and logged", async () => {
    const req = buildKitV2Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    await code("000002", postRaw(req.url, "{not json", req.headers));
    const unknown = buildKitV2Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    await code("000002", postRaw(kitUrl("deleteEverything"), unknown.body!, unknown.headers));
  });

  test("a body over 16 MiB is 000002 without being kept", async () => {
    const huge = JSON.stringify({ tenantId: forged, pad: "x".repeat(16 * 1024 * 1024 + 10) });
    await code("000002", postRaw(kitUrl("tenantSync"), huge, { "x-sign": "AB", "x-timestamp": String(Date.now()), "x-nonce": generateNonce() }));
  });
});

const forms = { raw: uid("raw"), deep: uid("deep"), top: uid("top") };

describe("canonical forms (protocol:open-questions.md#nested-json)", () => {
  const post = async (
    tenantId: string,
    kitName: string,
    payloadToSign: (b: Record<string, unknown>) => string,
    rawBody: (b: Record<string, unknown>) => string,
    b: Record<string, unknown>,
  ) => {
    const ts = String(Date.now());
    const nonce = generateNonce();
    const sign = computeKitSignature({ accessKey: portal.keys.kitAccessKey, payload: payloadToSign(b), timestamp: ts, nonce });
    return postRaw(`${portal.saasUrl}/produceAPI/v2/${kitName}`, rawBody(b), { "x-sign": sign, "x-timestamp": ts, "x-nonce": nonce });
  };

  test("nested members kept in their unsorted order match the top-sorted form", async () => {
    const b = grantBody({ tenantId: forms.top, instanceId: uid("inst") }, 1, [member("zed", "D1", { mobile: "13700000000" }), member("amy", "D1")]);
    const topSorted = (x: Record<string, unknown>) => canonicalPayload(x, "top-sorted");
    assert.notEqual(topSorted(b), canonicalPayload(b, "deep-sorted"), "the nested order matters here");
    await ok(post(forms.top, "authSync", topSorted, topSorted, b));
  });

  test("a signature over the raw body with another top-level order matches the raw form", async () => {
    const b = tenantBody({ tenantId: forms.raw, instanceId: uid("inst"), orderId: uid("CS") }, 1);
    const reordered = (x: Record<string, unknown>) => JSON.stringify(Object.fromEntries(Object.entries(x).reverse()));
    assert.notEqual(reordered(b), canonicalPayload(b, "top-sorted"));
    await ok(post(forms.raw, "tenantSync", reordered, reordered, b));
  });

  test("a signature over the recursively sorted form matches the deep-sorted form", async () => {
    const b = grantBody({ tenantId: forms.deep, instanceId: uid("inst") }, 1, [member("kim", "D1")]);
    await ok(
      post(
        forms.deep,
        "authSync",
        (x) => canonicalPayload(x, "deep-sorted"),
        (x) => canonicalPayload(x, "top-sorted"),
        b,
      ),
    );
  });
});

const bigTree = generateOrgTree({ count: 20_000, depth: 6, prefix: "BIG" });

describe("ordering (ADR 0006)", () => {
  const minuteAgo = () => formatV1Timestamp(new Date(Date.now() - 60_000), 8 * 60);
  test("a sync made before the last one applied arrives late: 000000, a note, nothing changed", async () => {
    await ok(kitV2(portal, "tenantSync", { ...tenantBody(ordered, 1, "Ordered Inc") }), "the newer add");
    await ok(
      kitV2(portal, "tenantSync", { ...tenantBody(ordered, 2, "Stale Name"), timeStamp: minuteAgo() }),
      "an older modify: success, KooGallery has nothing to fix",
    );
    const user = { userName: "zed", name: "Zed", orgCode: "D1", role: "admin", enable: "true" };
    const grant = (role: string, at: string) => ({
      ...ordered,
      appId: "crm",
      userList: [{ ...user, role }],
      currentSyncTime: at,
      flag: 1,
      testFlag: 0,
      timeStamp: timeStamp(),
    });
    await ok(kitV2(portal, "authSync", grant("admin", timeStamp())), "the newer grant");
    await ok(kitV2(portal, "authSync", grant("user", minuteAgo())), "an older grant (currentSyncTime)");
  });
});

describe("a 20,000-department allOrgSync", () => {
  test("is accepted over HTTP within the time limits", async (t) => {
    const body = { ...big, orgInfoList: bigTree.entries, testFlag: 0, timeStamp: timeStamp() };
    const size = Buffer.byteLength(canonicalPayload(body, "top-sorted"));
    assert.ok(size > 1024 * 1024, `the body (${size} bytes) is over the SaaS endpoint's 1 MiB`);
    const started = performance.now();
    const a = await kitV2(portal, "allOrgSync", body, { timeoutMs: 60_000 });
    const ms = performance.now() - started;
    assertKitAnswer(portal, a, "000000");
    assert.ok(ms < 60_000, `answered in ${ms.toFixed(0)} ms`);
    t.diagnostic(`20,000-department allOrgSync (${(size / 1024 / 1024).toFixed(2)} MiB) answered in ${ms.toFixed(0)} ms`);
  });
});

describe("what the database holds afterwards", () => {
  let s: KitSnapshot;
  const encryptionKey = () => Buffer.from(portal.keys.encryptionKey, "base64");
  before(async () => {
    s = await snapshotKit(portal);
  });

  test("tenantSync: one row per instance + tenant, soft deletes, re-add clears deletedAt, each step a SyncEvent linked to its log row", () => {
    const rows = s.tenants.filter((t) => t.tenantId === acme.tenantId);
    assert.equal(rows.length, 2);
    const main = rows.find((t) => t.instanceKey === acme.instanceId)!;
    assert.deepEqual(
      [main.name, main.domainName, main.tenantCode, main.orderId, main.deletedAt, main.isTest],
      ["Acme Again", "https://acme.example", "acme", acme.orderId, null, false],
    );
    assert.ok(rows.find((t) => t.instanceKey === acmeOther.instanceId)?.deletedAt, "the other instance's row is deleted");
    const steps = eventsOf(s, acme.tenantId, "tenantSync")
      .slice(0, 6)
      .map((e) => e.counts);
    assert.deepEqual(
      steps.map((c) => [c.added, c.unchanged, c.updated, c.deleted, c.restored]),
      [
        [1, 0, 0, 0, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 1, 0, 0, 0],
        [0, 0, 1, 0, 1],
      ],
    );
    for (const e of eventsOf(s, acme.tenantId)) assert.ok(e.callbackLogId && e.hasLog, `${e.kind} event links its callback log row`);
    assert.ok(!s.tenants.some((t) => t.tenantId === ghost), "a delete of an unknown tenant stores nothing");
    assert.equal(s.tenants.find((t) => t.tenantId === modifiedFirst.tenantId)?.name, "Created By Modify");
  });

  test("credential-debugging syncs are stored under instanceKey '' as test data, and so is testFlag 1", () => {
    const d = s.tenants.find((t) => t.tenantId === debug);
    assert.deepEqual([d?.instanceKey, d?.orderId, d?.isTest], ["", null, true]);
    assert.equal(s.tenants.find((t) => t.tenantId === testTenant.tenantId)?.isTest, true);
    assert.ok(logsOf(s, debug).every((l) => l.isTest && l.instanceId === null));
    assert.ok(eventsOf(s, debug).every((e) => e.isTest));
  });

  test("applicationSync: each OAEP variant recorded, secrets sealed at rest and never logged, soft delete", () => {
    const apps = s.apps.filter((a) => a.tenantId === acme.tenantId && a.instanceKey === acme.instanceId);
    for (const variant of oaepVariants) {
      const app = apps.find((a) => a.appId === `app-${variant}`);
      assert.equal(app?.oaepVariant, variant);
      assert.equal(openSecret(app!.clientSecretEnc!, encryptionKey()), `secret-${variant}`);
      assert.ok(!app!.clientSecretEnc!.includes(`secret-${variant}`));
    }
    const app1 = apps.find((a) => a.appId === "app-1")!;
    assert.ok(app1.deletedAt, "deleted softly");
    assert.equal(app1.oaepVariant, "sha1-mgf1sha1");
    assert.equal(openSecret(app1.clientSecretEnc!, encryptionKey()), secrets.second, "the undecryptable modify changed nothing");
    const steps = eventsOf(s, acme.tenantId, "applicationSync").map((e) => [e.flag, e.counts.added, e.counts.updated, e.counts.unchanged, e.counts.deleted]);
    assert.deepEqual(steps, [
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [1, 1, 0, 0, 0],
      [1, 0, 0, 1, 0],
      [2, 0, 1, 0, 0],
      [0, 0, 0, 0, 1],
      [0, 0, 0, 1, 0],
      [0, 0, 0, 1, 0],
    ]);
    assert.ok(!apps.some((a) => a.appId === "app-never-seen"));

    const everything = JSON.stringify(s.logs);
    for (const secret of [secrets.first, secrets.second, ...oaepVariants.map((v) => `secret-${v}`), ...undecryptable]) {
      assert.ok(!everything.includes(secret), "neither secrets nor ciphertexts reach the log");
    }
  });

  test("an undecryptable secret: 000101 logged with the reason, no tenant, app or event stored", () => {
    assert.ok(!s.tenants.some((t) => t.tenantId === noSecret.tenantId));
    assert.ok(!s.apps.some((a) => a.tenantId === noSecret.tenantId));
    const logs = logsOf(s, noSecret.tenantId);
    const refused = logs.filter((l) => l.resultCode === "000101");
    assert.equal(refused.length, 3);
    for (const l of refused) {
      assert.equal(l.resultMsg, "something wrong with appSecret");
      assert.match(l.handlerNote ?? "", /^refused: clientSecret refused: (OAEP_NO_VARIANT|BAD_CIPHERTEXT)/);
      assert.equal(l.verification, "OK");
    }
    assert.ok(
      logs.some((l) => l.resultCode === "000002"),
      "a missing secret is a parameter error",
    );
  });

  test("authSync: upserts, revoke and delete by status, unknown users skipped, orphan flags, contact data stored but masked in the log", () => {
    const users = new Map(s.users.filter((u) => u.tenantId === grants.tenantId && u.appId === "crm").map((u) => [u.userName, u]));
    assert.equal(users.size, 3, "no duplicates, unknown users not created");
    const alice = users.get("alice")!;
    assert.deepEqual(
      [alice.status, alice.role, alice.mobile, alice.email, alice.employeeType, alice.workPlace, alice.entryDate, alice.isOrphaned],
      ["REVOKED", "admin", contact.mobile, contact.email, 1, "南京", "2022-11-9", false],
    );
    const bob = users.get("bob")!;
    assert.deepEqual([bob.status, bob.role, bob.isEnabled], ["DELETED", "admin", false]);
    const carol = users.get("carol")!;
    assert.deepEqual([carol.status, carol.orgCode, carol.isOrphaned], ["ACTIVE", "D-SALES", false], "moved into a department that exists: no longer orphaned");

    const steps = grantStepsOf(s, grants.tenantId, ["orphanedUsers", "restoredUsers"]);
    assert.deepEqual(steps.slice(0, 7), [
      [1, 3, 0, 0, 0, 0, 0, 1, 0],
      [1, 0, 0, 3, 0, 0, 0, 0, 0],
      [2, 0, 2, 0, 0, 0, 0, 0, 1],
      [3, 0, 0, 0, 1, 0, 0, 0, 0],
      [3, 0, 0, 1, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 1, 1, 0, 0],
      [0, 0, 0, 1, 0, 0, 0, 0, 0],
    ]);
    assert.equal(s.users.filter((u) => u.tenantId === grants.tenantId && u.appId === "bulk").length, 500);

    const logged = logsOf(s, grants.tenantId)
      .map((l) => l.requestMasked ?? "")
      .join("\n");
    assert.ok(logged.includes("alice"), "the log shows who");
    assert.ok(!logged.includes(contact.mobile) && !logged.includes(contact.email), "but not their contact data");
  });

  test("singleOrgSync: out-of-order parents attached, rename kept, the cycle refused and logged, users orphaned by a delete", () => {
    const depts = new Map(s.departments.filter((d) => d.tenantId === tree.tenantId).map((d) => [d.orgCode, d]));
    assert.deepEqual([...depts.keys()].sort(), ["CHILD", "PARENT"]);
    assert.deepEqual(depts.get("CHILD"), { tenantId: tree.tenantId, orgCode: "CHILD", orgName: "Child Renamed", parentCode: "PARENT", linkedTo: "PARENT" });
    assert.equal(depts.get("PARENT")?.parentCode, "", "the refused move changed nothing");
    const cycle = logsOf(s, tree.tenantId).find((l) => l.resultCode === "000002");
    assert.ok(cycle, "the refused move is logged");
    assert.equal(cycle.endpoint, "kit/singleOrgSync");
    assert.match(cycle.handlerNote ?? "", /^refused: parentCode "CHILD"/);
    assert.equal(s.users.find((u) => u.tenantId === tree.tenantId && u.userName === "dave")?.isOrphaned, true);
    const first = eventsOf(s, tree.tenantId, "singleOrgSync")[0];
    assert.deepEqual([first?.counts.added, first?.counts.attachedChildren], [1, 0]);
    const parentAdded = eventsOf(s, tree.tenantId, "singleOrgSync")[2];
    assert.equal(parentAdded?.counts.attachedChildren, 1, "the waiting child was attached when its parent came");
  });

  test("allOrgSync: the diff is recorded in SyncEvent and users of the removed department are orphaned", () => {
    const syncs = eventsOf(s, full.tenantId, "allOrgSync");
    assert.equal(syncs.length, 4);
    assert.deepEqual([syncs[0]?.counts.added, syncs[0]?.counts.total], [4, 4]);
    const diff = syncs[1]!.diff as { removed: { orgCode: string }[]; moved: { orgCode: string; toParentCode: string }[]; renamed: { orgCode: string }[] };
    assert.deepEqual([syncs[1]?.counts.removed, syncs[1]?.counts.moved, syncs[1]?.counts.renamed, syncs[1]?.counts.orphanedUsers], [1, 1, 1, 1]);
    assert.deepEqual(
      diff.removed.map((d) => d.orgCode),
      ["C"],
    );
    assert.deepEqual(
      diff.moved.map((d) => [d.orgCode, d.toParentCode]),
      [["E", "B"]],
    );
    for (const repeat of syncs.slice(2)) {
      assert.deepEqual(
        [repeat.counts.unchanged, repeat.counts.added, repeat.counts.removed, repeat.counts.moved],
        [3, 0, 0, 0],
        "a repeat (also as a JSON string) changes nothing",
      );
    }
    const flags = Object.fromEntries(s.users.filter((u) => u.tenantId === full.tenantId).map((u) => [u.userName, u.isOrphaned]));
    assert.deepEqual(flags, { "in-c": true, "in-e": false });
    const depts = s.departments.filter((d) => d.tenantId === full.tenantId).map((d) => `${d.orgCode}<${d.linkedTo ?? ""}`);
    assert.deepEqual(depts.sort(), ["A<", "B<A", "E<B"]);
    assert.equal(logsOf(s, full.tenantId).filter((l) => l.resultCode === "000002").length, 2, "duplicate and cyclic lists refused and logged");
  });

  test("verification failures are logged with their reason and stored nothing", () => {
    assert.ok(!s.tenants.some((t) => t.tenantId === forged), "no forged, stale or tampered call got through");
    const byOutcome = new Map<string, number>();
    for (const l of s.logs.filter((l) => l.verification !== "OK")) byOutcome.set(l.verification, (byOutcome.get(l.verification) ?? 0) + 1);
    assert.ok((byOutcome.get("BAD_SIGNATURE") ?? 0) >= 3);
    assert.ok((byOutcome.get("MISSING_CREDENTIALS") ?? 0) >= 3);
    assert.ok((byOutcome.get("BAD_TIMESTAMP") ?? 0) >= 3);
    assert.ok(
      s.logs.filter((l) => l.verification !== "OK").every((l) => !l.isSealed),
      "refused calls are not kept for a re-run",
    );
    const replays = s.logs.filter((l) => l.verificationInfo?.nonce === nonces.replayed).map((l) => [l.verification, l.resultCode]);
    assert.deepEqual(replays, [
      ["OK", "000000"],
      ["REPLAYED_NONCE", "000001"],
    ]);
    const unknown = s.logs.find((l) => l.endpoint === "kit/deleteEverything");
    assert.deepEqual([unknown?.resultCode, unknown?.resultMsg, unknown?.generation], ["000002", "unknown Kit interface", "V2"]);
    const tooLarge = s.logs.find((l) => l.verification === "TOO_LARGE");
    assert.deepEqual([tooLarge?.endpoint, tooLarge?.resultCode, tooLarge?.requestMasked?.includes("xxxx")], ["kit/tenantSync", "000002", false]);
  });

  test("the canonical form that matched is logged: top-sorted, raw, deep-sorted", () => {
    const formOf = (tenantId: string) => logsOf(s, tenantId).map((l) => l.verificationInfo?.form);
    assert.deepEqual(formOf(forms.top), ["top-sorted"]);
    assert.deepEqual(formOf(forms.raw), ["raw"]);
    assert.deepEqual(formOf(forms.deep), ["deep-sorted"]);
    assert.ok(logsOf(s, acme.tenantId).every((l) => l.verification !== "OK" || l.verificationInfo?.key === "kit"));
  });

  test("ordering: the late syncs were answered 000000 with a 'skipped' note and changed nothing", () => {
    const tenant = s.tenants.find((t) => t.tenantId === ordered.tenantId && t.instanceKey === ordered.instanceId);
    assert.equal(tenant?.name, "Ordered Inc", "the older modify did not rename it");
    assert.equal(s.users.find((u) => u.tenantId === ordered.tenantId && u.userName === "zed")?.role, "admin", "the older grant did not demote the user");
    const logs = logsOf(s, ordered.tenantId);
    assert.deepEqual(
      logs.map((l) => l.resultCode),
      ["000000", "000000", "000000", "000000"],
    );
    const skipped = logs.filter((l) => /skipped: older than the last applied/.test(l.handlerNote ?? ""));
    assert.deepEqual(
      skipped.map((l) => l.activity),
      ["tenantSync", "authSync"],
    );
    const eventLogs = new Set(eventsOf(s, ordered.tenantId).map((e) => e.callbackLogId));
    assert.ok(
      skipped.every((l) => !eventLogs.has(l.id)),
      "no SyncEvent: nothing was applied",
    );
  });

  test("the 20,000-department full sync stored every department with the right parent", () => {
    assert.deepEqual(
      s.bigTrees.map((b) => [b.departments, b.wrongLinks]),
      [[20_000, 0]],
    );
    const [event] = eventsOf(s, big.tenantId, "allOrgSync");
    assert.deepEqual([event?.counts.added, event?.counts.total], [20_000, 20_000]);
    const [log] = logsOf(s, big.tenantId);
    // A body over 64 KiB is checked against its raw bytes first (ADR 0007); this one is sent top-level sorted, so both forms are the same bytes.
    assert.deepEqual([log?.resultCode, log?.isSealed, log?.verificationInfo?.form], ["000000", true, "raw"]);
  });
});
