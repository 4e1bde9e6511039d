// What each reader sees of stored texts, in-process on a real database
// (embedded PGlite; a throw-away PostgreSQL database with TEST_DB=postgres):
// staff read back-end errors redacted, tenant admins a generic sentence; a URL
// with credentials reaches no reader; signatures (V2 `signature`, V1
// `authToken`, Kit `x-sign` and `authtoken`) are shown in full to operators
// and owners only, as fingerprints to staff viewers and tenant admins.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const BASIC_KEY = "redaction-basic-key-never-shown";
const KIT_KEY = "redaction-kit-key-never-shown";
await prepareInProcessDatabase("kg-redaction", { KOOGALLERY_ACCESS_KEY: BASIC_KEY, KOOGALLERY_KIT_ACCESS_KEY: KIT_KEY }, { migrate: true });

const { getDb } = await import("@/lib/db");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { buildKitV1Request, buildKitV2Request, buildV1GetRequest, buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { getCallbackLog } = await import("@/lib/callbacks/get-callback-log");
const { ALL_CALLBACKS, callbackViewerScope } = await import("@/lib/callbacks/callback-log-scope");
const { getInstanceDetail } = await import("@/lib/instances/get-instance-detail");
const { STAFF_ONLY_ERROR } = await import("@/lib/portal/error-text");
type LogReader = import("@/lib/callbacks/callback-log-scope").LogReader;

const BASE = "http://portal.test/api/koogallery/saas";
const CREDENTIALS = ["admin:s3cret-pw", "svc:db-pass-9", "app:front-pw", "ops:admin-pw", "u:memo-pw", "x:fetch-pw", "k:ev-pw", "q:req-pw"];
const readers: LogReader[] = ["operator", "staffViewer", "tenantAdmin"];
const scopeOf = (reader: LogReader) => ({ ...ALL_CALLBACKS, reader });

async function lastLogId(): Promise<string> {
  const db = await getDb();
  return (await db.callbackLog.findFirstOrThrow({ orderBy: [{ receivedAt: "desc" }, { id: "desc" }], select: { id: true } })).id;
}

function assertNoCredentials(value: unknown, where: string) {
  const text = JSON.stringify(value);
  for (const c of CREDENTIALS) assert.ok(!text.includes(c), `${where}: no ${c}`);
  for (const key of [BASIC_KEY, KIT_KEY]) assert.ok(!text.includes(key), `${where}: no key`);
}

test("instance detail: staff read back-end errors redacted, tenant admins a generic sentence; URLs lose their credentials for everyone", async () => {
  const db = await getDb();
  const instanceId = randomUUID();
  const orderId = `CS${randomUUID().slice(0, 10).toUpperCase()}`;
  const req = buildV2BasicRequest({
    baseUrl: BASE,
    accessKey: BASIC_KEY,
    body: { activity: "newInstance", orderId, orderLineId: `${orderId}-000001`, businessId: instanceId },
  });
  assert.equal(JSON.parse((await handleCall({ method: "POST", url: req.url, headers: {}, rawBody: req.body ?? "" })).body).resultCode, "000000");
  await db.instance.update({
    where: { id: instanceId },
    data: {
      provisionStatus: "FAILED",
      provisionError: "ProvisioningError: POST https://admin:s3cret-pw@backend.internal/provision failed: ECONNREFUSED 10.0.0.7:443",
      frontEndUrl: "https://app:front-pw@app.example/i/1",
      adminUrl: "https://ops:admin-pw@app.example/admin",
      memo: "sign in at ftp://u:memo-pw@files.example",
    },
  });
  await db.order.updateMany({
    where: { instanceId },
    data: { fetchStatus: "FAILED", fetchError: "OpenApiError: https://x:fetch-pw@mkt.example refused: APIGW.0301" },
  });
  await db.instanceEvent.create({
    data: { instanceId, kind: "PROVISION_FAILED", actor: "system", detail: { adapter: "http", error: "fetch https://k:ev-pw@backend.internal failed" } },
  });
  await db.callbackLog.create({
    data: {
      endpoint: "saas",
      generation: "V2",
      activity: "refreshInstance",
      method: "POST",
      verification: "OK",
      resultCode: "000005",
      resultMsg: "internal error, please retry",
      latencyMs: 1,
      instanceId,
      requestMasked: {},
      handlerNote: "internal error: Error: connect postgres://svc:db-pass-9@db.internal:5432/portal refused",
    },
  });

  const staff = await getInstanceDetail(db, {}, instanceId, { showStaffIdentity: true, showErrorDetail: true });
  const admin = await getInstanceDetail(db, {}, instanceId, { showStaffIdentity: false, showErrorDetail: false });
  assert.ok(staff && admin);
  assert.equal(staff.instance.provisionError, "ProvisioningError: POST https://***@backend.internal/provision failed: ECONNREFUSED 10.0.0.7:443");
  assert.equal(admin.instance.provisionError, STAFF_ONLY_ERROR);
  assert.match(staff.orders[0]?.fetchError ?? "", /https:\/\/\*\*\*@mkt\.example refused: APIGW\.0301/);
  assert.equal(admin.orders[0]?.fetchError, STAFF_ONLY_ERROR);
  for (const d of [staff, admin]) {
    assert.equal(d.appInfo.frontEndUrl, "https://***@app.example/i/1");
    assert.equal(d.appInfo.adminUrl, "https://***@app.example/admin");
    assert.equal(d.appInfo.memo, "sign in at ftp://***@files.example");
    assertNoCredentials(d, "instance detail");
  }
  const note = (d: typeof staff) => d.timeline.find((i) => i.kind === "callback" && i.resultCode === "000005")?.note ?? "";
  assert.match(note(staff), /internal error: Error: connect postgres:\/\/\*\*\*@db\.internal/);
  assert.match(note(admin), /Something failed on the merchant's side/);
  assert.doesNotMatch(note(admin), /db\.internal|ECONNREFUSED/);
  const failedEvent = (d: typeof staff) => d.timeline.find((i) => i.code === "PROVISION_FAILED")?.facts.find((f) => f.key === "error")?.value ?? "";
  assert.match(failedEvent(staff), /fetch https:\/\/\*\*\*@backend\.internal failed/);
  assert.equal(failedEvent(admin), STAFF_ONLY_ERROR, "the page words it in the reader's language");
  assert.doesNotMatch(failedEvent(admin), /backend\.internal/);
  // The default is the tenant admin's view (fail closed).
  assert.equal((await getInstanceDetail(db, {}, instanceId))?.instance.provisionError, STAFF_ONLY_ERROR);
});

test("callback log detail: handler notes and stored requests per reader; no URL credentials, no keys", async () => {
  const db = await getDb();
  const body = { activity: "queryInstance", instanceId: `i-${randomUUID()}`, callbackUrl: "https://q:req-pw@hooks.example/cb" };
  const req = buildV2BasicRequest({ baseUrl: BASE, accessKey: BASIC_KEY, body });
  await handleCall({ method: "POST", url: req.url, headers: {}, rawBody: req.body ?? "" });
  const logId = await lastLogId();
  await db.callbackLog.update({
    where: { id: logId },
    data: { handlerNote: "created; provisioning had failed: HttpError: https://admin:s3cret-pw@backend.internal/p answered 502" },
  });
  for (const reader of readers) {
    const detail = await getCallbackLog(db, scopeOf(reader), logId);
    assert.ok(detail);
    assertNoCredentials(detail, reader);
    assert.equal((detail.request as { body: { callbackUrl: string } }).body.callbackUrl, "https://***@hooks.example/cb");
    if (reader === "tenantAdmin") {
      assert.equal(detail.handler.note, "created; provisioning had failed (merchant staff can see why)");
    } else {
      assert.equal(detail.handler.note, "created; provisioning had failed: HttpError: https://***@backend.internal/p answered 502");
    }
  }
});

test("signatures: in full for operators and owners, a fingerprint for staff viewers and tenant admins (V2, V1, Kit V2, Kit V1)", async () => {
  const db = await getDb();
  const tenantId = `t-${randomUUID()}`;
  const kitBody = {
    instanceId: `i-${randomUUID()}`,
    orderId: "CS1",
    tenantId,
    tenantCode: "c",
    name: "N",
    domainName: "https://idp.example",
    flag: 1,
    testFlag: 0,
  };

  const v2 = buildV2BasicRequest({ baseUrl: BASE, accessKey: BASIC_KEY, body: { activity: "queryInstance", instanceId: `i-${randomUUID()}` } });
  await handleCall({ method: "POST", url: v2.url, headers: {}, rawBody: v2.body ?? "" });
  const v2Log = await lastLogId();
  const v1 = buildV1GetRequest({ baseUrl: BASE, accessKey: BASIC_KEY, params: { activity: "queryInstance", instanceId: `i-${randomUUID()}` } });
  await handleCall({ method: "GET", url: v1.url, headers: {}, rawBody: "" });
  const v1Log = await lastLogId();
  const kit2 = buildKitV2Request({ baseUrl: BASE, kitName: "tenantSync", accessKey: KIT_KEY, body: { ...kitBody, timeStamp: "20261201100000000" } });
  await handleCall({
    method: "POST",
    url: kit2.url,
    headers: Object.fromEntries(Object.entries(kit2.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: kit2.body ?? "",
  });
  const kit2Log = await lastLogId();
  const kit1 = buildKitV1Request({ baseUrl: BASE, kitName: "tenantSync", accessKey: KIT_KEY, body: kitBody });
  await handleCall({
    method: "POST",
    url: kit1.url,
    headers: Object.fromEntries(Object.entries(kit1.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: kit1.body ?? "",
  });
  const kit1Log = await lastLogId();

  const cases = [
    { logId: v2Log, part: "query", key: "signature", value: new URL(v2.url).searchParams.get("signature")! },
    { logId: v1Log, part: "query", key: "authToken", value: new URL(v1.url).searchParams.get("authToken")! },
    { logId: kit2Log, part: "headers", key: "x-sign", value: Object.entries(kit2.headers).find(([k]) => k.toLowerCase() === "x-sign")![1] },
    { logId: kit1Log, part: "headers", key: "authtoken", value: Object.entries(kit1.headers).find(([k]) => k.toLowerCase() === "authtoken")![1] },
  ];
  for (const c of cases) {
    assert.ok(c.value.length > 12);
    const shown = async (reader: LogReader) => {
      const detail = await getCallbackLog(db, scopeOf(reader), c.logId);
      assert.ok(detail, `${c.key} log`);
      return { value: (detail.request as Record<string, Record<string, string>>)[c.part]?.[c.key], json: JSON.stringify(detail) };
    };
    assert.equal((await shown("operator")).value, c.value, `${c.key}: operators and owners see it in full`);
    for (const reader of ["staffViewer", "tenantAdmin"] as const) {
      const s = await shown(reader);
      assert.equal(s.value, `${c.value.slice(0, 6)}… (${c.value.length} chars)`, `${c.key}: a fingerprint for ${reader}`);
      assert.ok(!s.json.includes(c.value), `${c.key}: nowhere in full for ${reader}`);
    }
  }

  // Which reader a viewer is: by role for staff; tenant admins always the narrowest.
  const staff = (role: "OWNER" | "OPERATOR" | "VIEWER") => ({ kind: "staff" as const, staffId: "s", email: "s@example.com", name: "S", role });
  assert.equal((await callbackViewerScope(db, staff("OWNER"))).reader, "operator");
  assert.equal((await callbackViewerScope(db, staff("OPERATOR"))).reader, "operator");
  assert.equal((await callbackViewerScope(db, staff("VIEWER"))).reader, "staffViewer");
  assert.equal(
    (await callbackViewerScope(db, { kind: "buyer", tenantId, userName: "ann", name: "Ann", role: "admin", orgCode: "1", tenantRowIds: [] })).reader,
    "tenantAdmin",
  );
});
