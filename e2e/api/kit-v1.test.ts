// The joint-operation Kit V1 interfaces over real HTTP (POST
// /api/koogallery/saas/produceAPI/<sync>, authToken header, Body-Sign): every
// sync with add/modify/revoke/delete and repeats, lists sent as JSON strings,
// credential-debugging data, the OAEP variants and an undecryptable secret,
// out-of-order and cyclic departments, full-sync diffs and orphaned users, the
// authToken and timeStamp (UTC+8 only) rules, V1 replays, and a 20,000-department full
// sync. Calls come first; the database is read once at the end.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { openSecret } from "../../lib/crypto/secret-box";
import { encryptClientSecret, oaepVariants } from "../../lib/koogallery/rsa-oaep";
import { buildKitV1Request } from "../../lib/koogallery/signer";
import { formatV1Timestamp } from "../../lib/koogallery/v1-auth-token";
import { generateOrgTree } from "../../testing/sample-org-tree";
import type { Answer } from "../fixtures/koogallery";
import type { Portal } from "../fixtures/portal";
import {
  assertKitAnswer,
  BIG_TENANT_PREFIX,
  eventsOf,
  grantStepsOf,
  kitV1,
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

const BODY_SIGN_FORMAT = /^sign_type="HMAC-SHA256", signature= "[A-Za-z0-9+/]+={0,2}"$/;
const uid = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const beijing = (d = new Date()) => formatV1Timestamp(d, 8 * 60);

function assertV1Answer(a: Answer, code: string, why?: string) {
  assertKitAnswer(portal, a, code, why);
  assert.match(a.headers["body-sign"] ?? "", BODY_SIGN_FORMAT, "Body-Sign in the documented format");
}
const ok = async (a: Promise<Answer>, why?: string) => assertV1Answer(await a, "000000", why);
const code = async (expected: string, a: Promise<Answer>, why?: string) => assertV1Answer(await a, expected, why);

const acme = { tenantId: uid("acme"), instanceId: uid("inst"), orderId: uid("CS") };
const ghost = uid("ghost");
const debug = uid("debug");
const noSecret = { tenantId: uid("nosecret"), instanceId: uid("inst") };
const grants = { tenantId: uid("grants"), instanceId: uid("inst") };
const tree = { tenantId: uid("tree"), instanceId: uid("inst") };
const full = { tenantId: uid("full"), instanceId: uid("inst") };
const big = { tenantId: `${BIG_TENANT_PREFIX}${randomUUID().slice(0, 8)}`, instanceId: uid("inst") };
const forged = uid("forged");
const zones = { beijing: uid("utc8"), utc: uid("utc"), basicKey: uid("basic"), repeat: uid("repeat") };

// V1 bodies as the docs show them: no timeStamp here, the signer adds one in UTC+8.
const tenantBody = (t: { tenantId: string; instanceId: string; orderId: string }, flag: number, name = "Acme") => ({
  ...t,
  tenantCode: "acme",
  name,
  domainName: "https://acme.example",
  flag,
  testFlag: 0,
});

describe("tenantSync", () => {
  test("add, repeat, delete, repeat delete, add again: all 000000", async () => {
    await ok(kitV1(portal, "tenantSync", tenantBody(acme, 1)), "add");
    await ok(kitV1(portal, "tenantSync", tenantBody(acme, 1)), "repeated add");
    await ok(kitV1(portal, "tenantSync", tenantBody(acme, 0)), "delete");
    await ok(kitV1(portal, "tenantSync", tenantBody(acme, 0)), "repeated delete");
    await ok(kitV1(portal, "tenantSync", tenantBody(acme, 1, "Acme Again")), "add after delete");
  });

  test("deleting a tenant never seen succeeds; credential debugging is stored as test data", async () => {
    await ok(kitV1(portal, "tenantSync", tenantBody({ tenantId: ghost, instanceId: uid("inst"), orderId: uid("CS") }, 0)));
    await ok(kitV1(portal, "tenantSync", tenantBody({ tenantId: debug, instanceId: "", orderId: "" }, 1)));
  });
});

const undecryptable: string[] = [];
const appBody = (t: { tenantId: string; instanceId: string }, appId: string, flag: number, clientSecret?: string) => ({
  ...t,
  appId,
  clientId: `client-${appId}`,
  ...(clientSecret === undefined ? {} : { clientSecret }),
  flag,
  testFlag: 0,
});

describe("applicationSync", () => {
  for (const variant of oaepVariants) {
    test(`a clientSecret encrypted with OAEP ${variant} is decrypted and stored sealed`, async () => {
      await ok(kitV1(portal, "applicationSync", appBody(acme, `app-${variant}`, 1, encryptClientSecret(`v1-secret-${variant}`, kp.publicKeyPem, variant))));
    });
  }

  test("repeat, delete and repeated delete are 000000", async () => {
    const again = encryptClientSecret("v1-secret-sha1-mgf1sha1", kp.publicKeyPem, "sha1-mgf1sha1");
    await ok(kitV1(portal, "applicationSync", appBody(acme, "app-sha1-mgf1sha1", 1, again)), "repeated add");
    await ok(kitV1(portal, "applicationSync", appBody(acme, "app-sha256-mgf1sha1", 0)), "delete");
    await ok(kitV1(portal, "applicationSync", appBody(acme, "app-sha256-mgf1sha1", 0)), "repeated delete");
  });

  test("an undecryptable secret is 000101 and stores nothing", async () => {
    const garbage = randomBytes(384).toString("base64");
    undecryptable.push(garbage);
    const a = await kitV1(portal, "applicationSync", appBody(noSecret, "app-x", 1, garbage));
    assertV1Answer(a, "000101");
    assert.equal(a.json.resultMsg, "something wrong with appSecret");
  });
});

const contact = { mobile: "13812345678", email: "zhangsan.v1@example.cn" };

/** userList as V1 sends it: a JSON string, entryDate/employeeType/workPlace nested in `extension`. */
const v1UserList = (users: Array<{ userName: string; orgCode: string; role?: string; enable?: string; mobile?: string; email?: string }>) =>
  JSON.stringify(
    users.map((u) => ({
      userName: u.userName,
      name: `张 ${u.userName}`,
      position: "系统管理员",
      orgCode: u.orgCode,
      role: u.role ?? "user",
      enable: u.enable ?? "true",
      employeeCode: "",
      mobile: u.mobile ?? "",
      email: u.email ?? "",
      extension: { entryDate: "2022-11-9", employeeType: "4", workPlace: "南京" },
    })),
  );

const grantBody = (t: { tenantId: string; instanceId: string }, flag: number, userList: string, appId = "crm") => ({
  ...t,
  appId,
  userList,
  currentSyncTime: beijing(),
  flag,
  testFlag: 0,
});

describe("authSync", () => {
  test("add, repeat, modify, revoke, delete (the list as a JSON string): all 000000", async () => {
    await ok(kitV1(portal, "singleOrgSync", { ...grants, orgCode: "D1", orgName: "研发部", parentCode: "", flag: 1, testFlag: 0 }));
    const users = v1UserList([
      { userName: "zhangsan01", orgCode: "D1", role: "admin", ...contact },
      { userName: "lisi02", orgCode: "D1" },
      { userName: "wangwu03", orgCode: "D9" },
    ]);
    await ok(kitV1(portal, "authSync", grantBody(grants, 1, users)), "add");
    await ok(kitV1(portal, "authSync", grantBody(grants, 1, users)), "repeated add");
    await ok(kitV1(portal, "authSync", grantBody(grants, 2, v1UserList([{ userName: "lisi02", orgCode: "D1", enable: "false" }]))), "modify");
    await ok(kitV1(portal, "authSync", grantBody(grants, 3, v1UserList([{ userName: "zhangsan01", orgCode: "D1" }]))), "revoke");
    await ok(
      kitV1(
        portal,
        "authSync",
        grantBody(
          grants,
          0,
          v1UserList([
            { userName: "wangwu03", orgCode: "D9" },
            { userName: "nobody", orgCode: "D1" },
          ]),
        ),
      ),
      "delete",
    );
    await ok(kitV1(portal, "authSync", grantBody(grants, 0, v1UserList([{ userName: "wangwu03", orgCode: "D9" }]))), "repeated delete");
  });

  test("a userList that is not a JSON array is 000002", async () => {
    await code("000002", kitV1(portal, "authSync", grantBody(grants, 1, "[{not json")));
  });
});

describe("singleOrgSync", () => {
  const dept = (orgCode: string, parentCode: string, flag: number, orgName = `部门 ${orgCode}`) => ({
    ...tree,
    orgCode,
    orgName,
    parentCode,
    flag,
    testFlag: 0,
  });

  test("a child before its parent waits and is attached when the parent comes; a cycle is 000002", async () => {
    await ok(kitV1(portal, "singleOrgSync", dept("CHILD", "PARENT", 1)));
    await ok(kitV1(portal, "singleOrgSync", dept("PARENT", "", 1)));
    await ok(kitV1(portal, "singleOrgSync", dept("PARENT", "", 1)), "repeated add");
    await code("000002", kitV1(portal, "singleOrgSync", dept("PARENT", "CHILD", 2)));
  });

  test("deleting a department orphans its users; a repeated delete succeeds", async () => {
    await ok(kitV1(portal, "singleOrgSync", dept("TEMP", "", 1)));
    await ok(kitV1(portal, "authSync", grantBody(tree, 1, v1UserList([{ userName: "temp-user", orgCode: "TEMP" }]))));
    await ok(kitV1(portal, "singleOrgSync", dept("TEMP", "", 0)));
    await ok(kitV1(portal, "singleOrgSync", dept("TEMP", "", 0)), "repeated delete");
  });
});

describe("allOrgSync", () => {
  // V1: `orgInfo` is a JSON string of a flat list naming departments `name`.
  const body = (list: Array<{ orgCode: string; parentCode?: string }>) => ({
    ...full,
    orgInfo: JSON.stringify(list.map((o) => ({ orgCode: o.orgCode, name: `部门 ${o.orgCode}`, parentCode: o.parentCode ?? "" }))),
    testFlag: 0,
  });

  test("a full list replaces the tree; the diff is recorded and users of removed departments are orphaned", async () => {
    await ok(kitV1(portal, "allOrgSync", body([{ orgCode: "A" }, { orgCode: "B", parentCode: "A" }, { orgCode: "C", parentCode: "B" }])));
    await ok(
      kitV1(
        portal,
        "authSync",
        grantBody(
          full,
          1,
          v1UserList([
            { userName: "in-c", orgCode: "C" },
            { userName: "in-b", orgCode: "B" },
          ]),
        ),
      ),
    );
    await ok(kitV1(portal, "allOrgSync", body([{ orgCode: "A" }, { orgCode: "B", parentCode: "A" }])));
    await ok(kitV1(portal, "allOrgSync", body([{ orgCode: "A" }, { orgCode: "B", parentCode: "A" }])), "repeat");
  });
});

describe("authToken and timeStamp", () => {
  const body = (tenantId = forged) => tenantBody({ tenantId, instanceId: uid("inst"), orderId: uid("CS") }, 1);

  test("the Kit key and the basic key both sign; the key that matched is logged", async () => {
    await ok(kitV1(portal, "tenantSync", body(zones.beijing)));
    await ok(kitV1(portal, "tenantSync", body(zones.basicKey), { key: portal.keys.accessKey }));
  });

  test("a timeStamp in UTC is refused: the deployment reads UTC+8 only, so a captured call cannot verify again 8 h later", async () => {
    await code("000002", kitV1(portal, "tenantSync", { ...body(zones.utc), timeStamp: formatV1Timestamp(new Date()) }));
  });

  test("a wrong key, a tampered body or a missing authToken header is 000001 and changes nothing", async () => {
    await code("000001", kitV1(portal, "tenantSync", body(), { key: "not-a-key" }), "wrong key");
    const req = buildKitV1Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    const tampered = req.body!.replace('"name":"Acme"', '"name":"Evil"');
    assert.notEqual(tampered, req.body);
    await code("000001", postRaw(req.url, tampered, req.headers), "tampered");
    const { authToken: _omit, ...noToken } = req.headers;
    await code("000001", postRaw(req.url, req.body!, noToken), "missing authToken");
  });

  test("stale, future, malformed and missing timeStamps are 000002", async () => {
    const hour = 3_600_000;
    await code("000002", kitV1(portal, "tenantSync", { ...body(), timeStamp: beijing(new Date(Date.now() - 10 * hour)) }), "stale in both readings");
    await code("000002", kitV1(portal, "tenantSync", { ...body(), timeStamp: beijing(new Date(Date.now() - 10 * 60_000)) }), "ten minutes old");
    await code("000002", kitV1(portal, "tenantSync", { ...body(), timeStamp: beijing(new Date(Date.now() + 10 * 60_000)) }), "future");
    await code("000002", kitV1(portal, "tenantSync", { ...body(), timeStamp: "2026-11-24 12:00" }), "malformed");
    const req = buildKitV1Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    const withoutTime = JSON.stringify({ ...body() });
    await code("000002", postRaw(req.url, withoutTime, req.headers), "missing");
  });

  test("V1 has no nonce: the same request replayed is refused 000001 (its token and timeStamp were seen), with no second effect", async () => {
    const req = buildKitV1Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body(zones.repeat) });
    await ok(postRaw(req.url, req.body!, req.headers));
    await code("000001", postRaw(req.url, req.body!, req.headers), "replay");
    const { timeStamp: _sent, ...same } = JSON.parse(req.body!) as Record<string, unknown>;
    await ok(kitV1(portal, "tenantSync", same), "KooGallery's own re-send has a new timeStamp and token");
  });

  test("an unknown sync is 000002", async () => {
    const req = buildKitV1Request({ baseUrl: portal.saasUrl, kitName: "tenantSync", accessKey: portal.keys.kitAccessKey, body: body() });
    await code("000002", postRaw(`${portal.saasUrl}/produceAPI/orderSync`, req.body!, req.headers));
  });
});

describe("a 20,000-department allOrgSync (orgInfo as a string)", () => {
  test("is accepted over HTTP within the time limits", async (t) => {
    const { entries } = generateOrgTree({ count: 20_000, depth: 6, prefix: "V1BIG" });
    const body = { ...big, orgInfo: JSON.stringify(entries.map((e) => ({ orgCode: e.orgCode, name: e.orgName, parentCode: e.parentCode }))), testFlag: 0 };
    const started = performance.now();
    const a = await kitV1(portal, "allOrgSync", body, { timeoutMs: 60_000 });
    const ms = performance.now() - started;
    assertV1Answer(a, "000000");
    assert.ok(ms < 60_000);
    t.diagnostic(
      `V1 20,000-department allOrgSync (${(Buffer.byteLength(body.orgInfo) / 1024 / 1024).toFixed(2)} MiB of orgInfo) answered in ${ms.toFixed(0)} ms`,
    );
  });
});

describe("what the database holds afterwards", () => {
  let s: KitSnapshot;
  before(async () => {
    s = await snapshotKit(portal);
  });

  test("tenantSync: soft delete, re-add, debugging data, nothing for unknown deletes", () => {
    const row = s.tenants.find((t) => t.tenantId === acme.tenantId && t.instanceKey === acme.instanceId);
    assert.deepEqual([row?.name, row?.deletedAt, row?.isTest], ["Acme Again", null, false]);
    assert.deepEqual(
      eventsOf(s, acme.tenantId, "tenantSync").map((e) => [e.flag, e.counts.added, e.counts.unchanged, e.counts.deleted, e.counts.restored]),
      [
        [1, 1, 0, 0, 0],
        [1, 0, 1, 0, 0],
        [0, 0, 0, 1, 0],
        [0, 0, 1, 0, 0],
        [1, 0, 0, 0, 1],
      ],
    );
    assert.ok(!s.tenants.some((t) => t.tenantId === ghost));
    const d = s.tenants.find((t) => t.tenantId === debug);
    assert.deepEqual([d?.instanceKey, d?.isTest], ["", true]);
    assert.ok(logsOf(s, acme.tenantId).every((l) => l.generation === "V1" && l.endpoint.startsWith("kit/")));
  });

  test("applicationSync: every OAEP variant, secrets sealed, a soft delete, nothing for an undecryptable secret", () => {
    const key = Buffer.from(portal.keys.encryptionKey, "base64");
    const apps = new Map(s.apps.filter((a) => a.tenantId === acme.tenantId).map((a) => [a.appId, a]));
    for (const variant of oaepVariants) {
      const app = apps.get(`app-${variant}`);
      assert.equal(app?.oaepVariant, variant);
      assert.equal(openSecret(app!.clientSecretEnc!, key), `v1-secret-${variant}`);
    }
    assert.ok(apps.get("app-sha256-mgf1sha1")?.deletedAt);
    assert.equal(apps.get("app-sha1-mgf1sha1")?.deletedAt, null);
    assert.ok(!s.tenants.some((t) => t.tenantId === noSecret.tenantId));
    const [refused] = logsOf(s, noSecret.tenantId);
    assert.deepEqual([refused?.resultCode, refused?.resultMsg], ["000101", "something wrong with appSecret"]);
    assert.match(refused?.handlerNote ?? "", /clientSecret refused: OAEP_NO_VARIANT/);
    const everything = JSON.stringify(s.logs);
    for (const secret of [...oaepVariants.map((v) => `v1-secret-${v}`), ...undecryptable]) assert.ok(!everything.includes(secret));
  });

  test("authSync: V1 extension fields flattened, statuses, orphan flags, contact data masked in the log", () => {
    const users = new Map(s.users.filter((u) => u.tenantId === grants.tenantId).map((u) => [u.userName, u]));
    assert.equal(users.size, 3);
    const zhang = users.get("zhangsan01")!;
    assert.deepEqual(
      [zhang.status, zhang.role, zhang.mobile, zhang.email, zhang.employeeType, zhang.workPlace, zhang.entryDate],
      ["REVOKED", "admin", contact.mobile, contact.email, 4, "南京", "2022-11-9"],
    );
    assert.deepEqual([users.get("lisi02")?.status, users.get("lisi02")?.isEnabled], ["ACTIVE", false]);
    assert.deepEqual([users.get("wangwu03")?.status, users.get("wangwu03")?.isOrphaned], ["DELETED", true]);
    assert.deepEqual(grantStepsOf(s, grants.tenantId), [
      [1, 3, 0, 0, 0, 0, 0],
      [1, 0, 0, 3, 0, 0, 0],
      [2, 0, 1, 0, 0, 0, 0],
      [3, 0, 0, 0, 1, 0, 0],
      [0, 0, 0, 0, 0, 1, 1],
      [0, 0, 0, 1, 0, 0, 0],
    ]);
    const logged = logsOf(s, grants.tenantId)
      .map((l) => l.requestMasked ?? "")
      .join("\n");
    assert.ok(logged.includes("zhangsan01"));
    assert.ok(!logged.includes(contact.mobile) && !logged.includes(contact.email), "contact data inside the userList string is masked");
  });

  test("singleOrgSync and allOrgSync: out-of-order parents, the refused cycle, the diff and orphaned users", () => {
    const depts = new Map(s.departments.filter((d) => d.tenantId === tree.tenantId).map((d) => [d.orgCode, d]));
    assert.deepEqual([depts.get("CHILD")?.linkedTo, depts.get("PARENT")?.parentCode, depts.has("TEMP")], ["PARENT", "", false]);
    assert.ok(logsOf(s, tree.tenantId).some((l) => l.resultCode === "000002" && /^refused: parentCode/.test(l.handlerNote ?? "")));
    assert.equal(s.users.find((u) => u.tenantId === tree.tenantId && u.userName === "temp-user")?.isOrphaned, true);

    const syncs = eventsOf(s, full.tenantId, "allOrgSync");
    assert.deepEqual(
      syncs.map((e) => [e.counts.added, e.counts.removed, e.counts.unchanged, e.counts.orphanedUsers]),
      [
        [3, 0, 0, 0],
        [0, 1, 2, 1],
        [0, 0, 2, 0],
      ],
    );
    assert.deepEqual((syncs[1]?.diff as { removed: { orgCode: string; orgName: string }[] }).removed, [{ orgCode: "C", orgName: "部门 C", parentCode: "B" }]);
    const flags = Object.fromEntries(s.users.filter((u) => u.tenantId === full.tenantId).map((u) => [u.userName, u.isOrphaned]));
    assert.deepEqual(flags, { "in-c": true, "in-b": false });
  });

  test("the authToken key and the timeStamp reading are logged; refused calls stored nothing", () => {
    const info = (tenantId: string) => logsOf(s, tenantId).map((l) => [l.verification, l.verificationInfo?.key, l.verificationInfo?.timeZone]);
    assert.deepEqual(info(zones.beijing), [["OK", "kit", "UTC+8"]]);
    assert.deepEqual(info(zones.basicKey), [["OK", "basic", "UTC+8"]]);
    // Refused calls are not linked to a tenant (their fields are unverified): the UTC one and the replay are among the refused counts below.
    assert.deepEqual(info(zones.utc), []);
    assert.deepEqual(info(zones.repeat), [
      ["OK", "kit", "UTC+8"],
      ["OK", "kit", "UTC+8"],
    ]);
    assert.deepEqual(
      eventsOf(s, zones.repeat).map((e) => [e.counts.added, e.counts.unchanged]),
      [
        [1, 0],
        [0, 1],
      ],
    );
    assert.ok(!s.tenants.some((t) => t.tenantId === forged));
    const refused = s.logs.filter((l) => l.generation === "V1" && l.verification !== "OK");
    const count = (v: string) => refused.filter((l) => l.verification === v).length;
    assert.deepEqual(
      [count("BAD_SIGNATURE"), count("MISSING_CREDENTIALS"), count("BAD_TIMESTAMP"), count("MALFORMED"), count("REPLAYED_NONCE")],
      [2, 2, 5, 1, 1],
    );
    assert.ok(refused.every((l) => !l.isSealed));
    assert.equal(s.logs.find((l) => l.endpoint === "kit/orderSync")?.resultMsg, "unknown Kit interface");
  });

  test("the 20,000-department full sync stored every department with the right parent", () => {
    assert.deepEqual(
      s.bigTrees.map((b) => [b.departments, b.wrongLinks]),
      [[20_000, 0]],
    );
    assert.deepEqual(
      eventsOf(s, big.tenantId).map((e) => e.counts.added),
      [20_000],
    );
  });
});
