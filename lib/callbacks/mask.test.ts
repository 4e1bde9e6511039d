import assert from "node:assert/strict";
import { test } from "node:test";
import { fingerprintSignatures, MASK, maskDeep, maskHeaders, maskJsonExcerpt, maskJsonText } from "./mask";

test("passwords and secrets are masked at any depth", () => {
  const masked = maskDeep({
    resultCode: "000000",
    info: [{ instanceId: "i1", appInfo: { userName: "admin", password: "S3cret!", frontEndUrl: "https://x" } }],
    clientSecret: "abc",
  }) as { info: Array<{ appInfo: Record<string, string> }>; clientSecret: string };
  assert.equal(masked.info[0]?.appInfo.password, MASK);
  assert.equal(masked.info[0]?.appInfo.userName, "admin");
  assert.equal(masked.clientSecret, MASK);
  assert.ok(!JSON.stringify(masked).includes("S3cret!"));
});

test("contact data is cut to a hint; headers with credentials are masked", () => {
  const masked = maskJsonText('{"mobilePhone":"15528266072","email":"a@b.cn"}') as Record<string, string>;
  assert.equal(masked.mobilePhone, `15${MASK}72`);
  assert.ok(!masked.email?.includes("a@b"));
  assert.deepEqual(maskHeaders({ cookie: "sid=1", "x-sign": "AB" }), { cookie: MASK, "x-sign": "AB" });
});

test("text that is not JSON is kept but capped", () => {
  assert.equal(maskJsonText("not json"), "not json");
  const long = maskJsonText("x".repeat(40000)) as string;
  assert.ok(long.length < 17000);
});

test("contact data inside JSON text (V1 Kit userList) is masked and the value stays text", () => {
  const userList = JSON.stringify([{ userName: "zhangsan01", mobile: "15528266072", email: "zhangsan@example.cn", extension: { workPlace: "南京" } }]);
  const masked = maskJsonText(JSON.stringify({ userList, note: "[not json" })) as { userList: string; note: string };
  assert.equal(typeof masked.userList, "string");
  assert.ok(!masked.userList.includes("15528266072") && !masked.userList.includes("zhangsan@example"));
  assert.ok(masked.userList.includes("zhangsan01") && masked.userList.includes("南京"));
  assert.equal(masked.note, "[not json");
});

test("an excerpt masks the secrets and contacts it shows and never ends inside a value", () => {
  const text = '{"clientSecret":"s3cr3t-value","mobile":"13800138000","name":"Acme","userList":[{"password" : "hunter2","email":"a@b.c"}],"note":"keep me';
  const masked = maskJsonExcerpt(text);
  assert.ok(!masked.includes("s3cr3t") && !masked.includes("hunter2") && !masked.includes("13800138000"));
  assert.ok(masked.includes('"name":"Acme"'));
  assert.ok(masked.endsWith('"note":"…'), masked);
  assert.ok(!maskJsonExcerpt('{"password":"hunt').includes("hunt"));
});

test("signatures become a fingerprint (6 characters and the length) wherever the request carries one; nothing else changes", () => {
  const sig = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90";
  const request = {
    path: "/api/koogallery/saas",
    query: { signature: sig, timestamp: "1700000000000", nonce: "n1", authToken: "pqlrW7+PHC/1JE+MEjKxC94GGJreoS6PZHd982auw2o=" },
    headers: { "x-sign": sig, authtoken: "tok-123456789", "content-type": "application/json" },
    body: { activity: "queryInstance", instanceId: "i1" },
  };
  assert.deepEqual(fingerprintSignatures(request), {
    path: "/api/koogallery/saas",
    query: { signature: "A1B2C3… (64 chars)", timestamp: "1700000000000", nonce: "n1", authToken: "pqlrW7… (44 chars)" },
    headers: { "x-sign": "A1B2C3… (64 chars)", authtoken: "tok-12… (13 chars)", "content-type": "application/json" },
    body: { activity: "queryInstance", instanceId: "i1" },
  });
  assert.equal(request.query.signature, sig, "the stored value is not changed in place");
  assert.equal(fingerprintSignatures(null), null);
  assert.deepEqual(fingerprintSignatures({ query: {}, headers: { "x-sign": "" } }), { query: {}, headers: { "x-sign": "" } });
});
