import assert from "node:assert/strict";
import { test } from "node:test";
import { MASK, maskDeep, maskHeaders, maskJsonText, maskJsonExcerpt } from "./mask";

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
