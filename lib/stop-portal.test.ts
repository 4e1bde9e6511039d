// Shutdown in-process on a real database: health turns 503 the moment it
// begins, a request in flight still finishes, the job worker stops and the
// database is closed. Also: health is 503 while the worker should run and does not.
import assert from "node:assert/strict";
import http from "node:http";
import { after, before, test } from "node:test";
import { prepareInProcessDatabase } from "@/testing/support/in-process-database";

const database = await prepareInProcessDatabase("kg-stop", { KOOGALLERY_ACCESS_KEY: "stop-basic-key-0123456789", JOBS_DISABLED: "0" });

const { getRawSql } = await import("@/lib/db");
const { applyMigrations } = await import("@/lib/migrations");
const { startWorker, workerStatus } = await import("@/lib/jobs/worker");
const { stopPortal } = await import("@/lib/stop-portal");
const { GET: health } = await import("@/app/api/health/route");

before(async () => {
  await applyMigrations(await getRawSql());
});
after(async () => {
  await database.drop();
});

test("health is 503 while the job worker should run and does not, 200 once it runs", async () => {
  const stopped = await health();
  assert.equal(stopped.status, 503);
  assert.equal(((await stopped.json()) as { jobs: string }).jobs, "stopped");
  startWorker({ handlers: { "provision-instance": async () => undefined, "fetch-order": async () => undefined }, pollMs: 50, retryBaseMs: 100 });
  assert.equal((await health()).status, 200);
});

test("on shutdown: health 503 at once, the request in flight finishes, then the worker and the database stop", async () => {
  let release: () => void = () => undefined;
  const server = http.createServer((_req, res) => {
    // A callback still at work when the signal comes.
    release = () => res.end("finished");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  const inFlight = new Promise<string>((resolve, reject) => {
    http
      .get(`http://127.0.0.1:${port}/`, (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(text));
      })
      .on("error", reject);
  });
  await new Promise((r) => setTimeout(r, 100));

  const stopping = stopPortal(server);
  const during = await health();
  assert.equal(during.status, 503);
  assert.equal(((await during.json()) as { status: string }).status, "shutting-down");
  assert.equal(workerStatus().isRunning, true, "the worker runs until the requests in flight are done");
  release();
  assert.equal(await inFlight, "finished");
  await stopping;
  assert.equal(workerStatus().isRunning, false);
  assert.equal(server.listening, false);
});
