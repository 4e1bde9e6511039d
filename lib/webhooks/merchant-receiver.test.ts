// The receiver example in docs/ accepts what the portal signs and refuses the rest.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import { generateWebhookSecret, signWebhook } from "./standard-webhooks";

type Receiver = import("node:http").Server;
// A path in a variable: the example is plain JavaScript for merchants, not part of the typed build.
const EXAMPLE = "../../docs/examples/merchant-receiver.mjs";
const { createReceiver } = (await import(EXAMPLE)) as {
  createReceiver(secret: string, handle: (message: unknown, id: string) => unknown): Receiver;
};

test("the documented receiver verifies the portal's signature and refuses a tampered call", async () => {
  const secret = generateWebhookSecret();
  const seen: string[] = [];
  const receiver = createReceiver(secret, (_message, id) => {
    seen.push(id);
    return { frontEndUrl: "https://app.example.com/i-1" };
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`;
  try {
    const body = JSON.stringify({ event: "provision", instance: { instanceId: "i-1" } });
    const headers = signWebhook([secret], "provision_i-1", body);
    const ok = await fetch(url, { method: "POST", headers, body });
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { frontEndUrl: "https://app.example.com/i-1" });
    const tampered = await fetch(url, { method: "POST", headers, body: body.replace("i-1", "i-2") });
    assert.equal(tampered.status, 401);
    const otherSecret = await fetch(url, { method: "POST", headers: signWebhook([generateWebhookSecret()], "provision_i-1", body), body });
    assert.equal(otherSecret.status, 401);
    assert.deepEqual(seen, ["provision_i-1"]);
  } finally {
    await new Promise((resolve) => receiver.close(resolve));
  }
});
