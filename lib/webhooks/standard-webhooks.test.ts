import assert from "node:assert/strict";
import { test } from "node:test";
import { Webhook } from "standardwebhooks";
import { generateWebhookSecret, isWebhookSecret, signWebhook } from "./standard-webhooks";

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
  id: "msg_p5jXN8AQM9LWM0D4loKWxJek",
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
};

test("signs the specification's test vector byte for byte", () => {
  const headers = signWebhook([VECTOR.secret], VECTOR.id, VECTOR.body, new Date(VECTOR.timestamp * 1000 + 999));
  assert.deepEqual(headers, { "webhook-id": VECTOR.id, "webhook-timestamp": String(VECTOR.timestamp), "webhook-signature": VECTOR.signature });
});

test("what we sign verifies with the reference library a receiver uses; a changed body or id does not", () => {
  const secret = generateWebhookSecret();
  const body = JSON.stringify({ type: "instance.created", data: { instanceId: "i-1" } });
  const headers = signWebhook([secret], "msg_1", body);
  const receiver = new Webhook(secret);
  assert.deepEqual(receiver.verify(body, headers), JSON.parse(body));
  assert.throws(() => receiver.verify(body.replace("i-1", "i-2"), headers));
  assert.throws(() => receiver.verify(body, { ...headers, "webhook-id": "msg_2" }));
  assert.throws(() => new Webhook(generateWebhookSecret()).verify(body, headers));
});

test("during a rotation both secrets sign, and a receiver holding either verifies", () => {
  const [older, newer] = [generateWebhookSecret(), generateWebhookSecret()];
  const headers = signWebhook([older, newer], "msg_rotate", "{}");
  assert.equal(headers["webhook-signature"].split(" ").length, 2);
  for (const secret of [older, newer]) new Webhook(secret).verify("{}", headers);
});

test("a plain secret of an older install signs with its UTF-8 bytes as the raw key", () => {
  const headers = signWebhook(["backend-secret-for-tests"], "msg_plain", "{}");
  new Webhook(Buffer.from("backend-secret-for-tests"), { format: "raw" }).verify("{}", headers);
});

test("secrets: whsec_ and base64 of 24 to 64 bytes", () => {
  assert.equal(isWebhookSecret(generateWebhookSecret()), true);
  assert.equal(isWebhookSecret(VECTOR.secret), true);
  assert.equal(isWebhookSecret(`whsec_${Buffer.alloc(16).toString("base64")}`), false);
  assert.equal(isWebhookSecret(`whsec_${Buffer.alloc(65).toString("base64")}`), false);
  assert.equal(isWebhookSecret("whsec_not base64!"), false);
  assert.equal(isWebhookSecret("backend-secret-for-tests"), false);
  assert.throws(() => signWebhook([], "msg", "{}"));
});
