// instance.created for an instance provisioned through the merchant's backend
// (PROVISIONING_ADAPTER=http): nothing when the order arrives (the instance is
// not usable yet), nothing when an attempt fails, one event when the job
// succeeds, and none when the job runs again. In-process on a real database
// (embedded PGlite; TEST_DB=postgres for PostgreSQL) with a local backend.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const PASSWORD = "initial-Pa55word-from-backend";
let failuresLeft = 1;
const backend = createServer((req, res) => {
  req.resume();
  req.on("end", () => {
    if (failuresLeft > 0) {
      failuresLeft -= 1;
      res.writeHead(503).end();
      return;
    }
    const info = { frontEndUrl: "https://app.example/t/1", adminUrl: "https://app.example/admin", userName: "admin", password: PASSWORD };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(info));
  });
});
await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
after(() => backend.close());

const BASIC_KEY = "provisioning-events-key-0123456789";
await prepareInProcessDatabase(
  "kg-provisioning-events",
  {
    KOOGALLERY_ACCESS_KEY: BASIC_KEY,
    PROVISIONING_ADAPTER: "http",
    PROVISIONING_HTTP_URL: `http://127.0.0.1:${(backend.address() as AddressInfo).port}/provision`,
    PROVISIONING_HTTP_SECRET: `whsec_${Buffer.from("provisioning-events-secret-0123").toString("base64")}`,
    PROVISIONING_SYNC_TIMEOUT_MS: "0",
  },
  { migrate: true },
);

const { getDb } = await import("@/lib/db");
const { handleCall } = await import("@/lib/callbacks/endpoints");
const { buildV2BasicRequest } = await import("@/lib/koogallery/signer");
const { runProvisioningJob } = await import("@/lib/instances/complete-provisioning");

test("instance.created is written when the provisioning job succeeds, once", async () => {
  const instanceId = randomUUID();
  const orderId = `CS${randomUUID().slice(0, 10).toUpperCase()}`;
  const body = { activity: "newInstance", orderId, orderLineId: `${orderId}-000001`, businessId: instanceId };
  const req = buildV2BasicRequest({ baseUrl: "http://portal.test/api/koogallery/saas", accessKey: BASIC_KEY, body });
  const answer = await handleCall({ method: "POST", url: req.url, headers: { "content-type": "application/json" }, rawBody: req.body ?? "" });
  assert.equal((JSON.parse(answer.body) as { resultCode: string }).resultCode, "000004", "provisioning in the background");

  const db = await getDb();
  const events = () => db.merchantEvent.findMany({ where: { subjectId: instanceId }, orderBy: { seq: "asc" } });
  assert.equal((await events()).length, 0, "not usable yet: no event");

  const job = await db.job.findFirstOrThrow({ where: { kind: "provision-instance", dedupeKey: `provision:${instanceId}` } });
  const run = (attempts: number) =>
    runProvisioningJob(db, job.payload, { id: job.id, kind: "provision-instance", payload: job.payload, attempts, maxAttempts: job.maxAttempts });
  await assert.rejects(run(1), /HTTP 503/, "the first attempt fails and will be retried");
  assert.equal((await events()).length, 0, "a failed attempt tells nothing");

  await run(2);
  const [created, ...rest] = await events();
  assert.equal(rest.length, 0);
  assert.equal(created?.type, "instance.created");
  assert.equal(created?.orderingKey, `instance:${instanceId}`);
  const data = created?.data as { adapter: string; appInfo: Record<string, unknown>; instance: Record<string, unknown> };
  assert.equal(data.adapter, "http");
  assert.deepEqual(data.appInfo, { frontEndUrl: "https://app.example/t/1", adminUrl: "https://app.example/admin", adminUserName: "admin" });
  assert.deepEqual([data.instance.state, data.instance.provisionStatus, data.instance.orderId], ["ACTIVE", "DONE", orderId]);
  assert.ok(!JSON.stringify(created?.data).includes(PASSWORD), "never the initial password");

  await run(3);
  assert.equal((await events()).length, 1, "a job that runs again after success tells nothing");
});
