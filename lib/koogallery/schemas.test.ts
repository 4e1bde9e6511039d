import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { formatZodIssues } from "@/lib/errors";
import { isKitName, isTestRequest, kitSchemas, parseRelaxedJson, splitInstanceIds, v1RequestSchema, v2BasicRequestSchema } from "./schemas";

const json = (text: string) => JSON.parse(text) as Record<string, unknown>;
const query = (search: string) => Object.fromEntries(new URLSearchParams(search));

function issuesOf(result: { success: boolean; error?: Parameters<typeof formatZodIssues>[0] }): string {
  assert.equal(result.success, false, "expected validation to fail");
  assert.ok(result.error);
  return formatZodIssues(result.error);
}

describe("v2BasicRequestSchema: documented examples", () => {
  const examples = [
    '{"activity":"newInstance","businessId":"87b94795-0603-4e24-8ae5-69420d60e3c8","orderId":"CS2211181819B4LVS",' +
      '"orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
    '{"activity":"refreshInstance","expireTime":"20221124023618256","instanceId":"10e758d0-31ad-4c4b-8f1b-81d03469a10e","orderId":"CS2211181819B4LVS",' +
      '"orderLineId":"CS2211181819B4LVS-000001","productId":"OFFI461867333479178240","scene":"RENEWAL","testFlag":"1"}',
    '{"activity":"updateInstanceStatus","instanceId":"10e758d0-31ad-4c4b-8f1b-81d03469a10e","status":"FREEZE","testFlag":"1"}',
    '{"activity":"releaseInstance","instanceId":"10e758d0-31ad-4c4b-8f1b-81d03469a10e","orderId":"CS2211181819B4LVS",' +
      '"orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
    '{"activity":"queryInstance","instanceId":"a,b , c"}',
    '{"activity":"upgradeInstance","instanceId":"i-1","orderId":"CS2","orderLineId":"CS2-000001","testFlag":"0"}',
    '{"activity":"orderNotify","orderId":"CS2211181819B4LVS","orderLineId":"CS2211181819B4LVS-000001","testFlag":"1"}',
    '{"activity":"getLicenseAsync","instanceId":"i-1","effectiveTime":"2023-10-27 10:30:15 z","eventId":"ev-1","deviceFingerprint":"AA|BB||CC"}',
    '{"activity":"refreshLicenseCode","expireTime":"20230523201932","license":"******","orderId":"******","orderLineId":"******","productId":"******",' +
      '"scene":"RENEWAL","testFlag":"1"}',
    '{"activity":"updateLicenseCodeStatus","license":"******","status":"FREEZE","testFlag":"1"}',
    '{"activity":"releaseLicenseCode","license":"*******","orderId":"******","orderLineId":"******","testFlag":"1"}',
  ];

  for (const example of examples) {
    it(`parses ${String(json(example).activity)}`, () => {
      const result = v2BasicRequestSchema.safeParse(json(example));
      assert.equal(result.success, true, result.success ? "" : formatZodIssues(result.error));
    });
  }

  it("parses the richer protocol:saas-interface.md#v2-newinstance-variant newInstance body and keeps its details", () => {
    const body = json(
      '{"activity":"newInstance","buyerInfo":{"customerId":"c1","customerName":"n","userId":"u","userName":"un","mobilePhone":"m","email":"e"},' +
        '"orderInfo":[{"businessId":"b1","orderId":"CS1","trialFlag":"0","orderAmount":12.78,"chargingMode":"PERIOD","periodType":"month",' +
        '"periodNumber":5,"provisionType":1,"productInfo":[{"skuCode":"a63ee5c9-4f86-11ed-9f95-fa163e8cb3b2","productId":"OFFI788963615933718528",' +
        '"linearValue":20}],"createTime":"20221024194509","expireTime":"20221224194509","extendParams":[{"name":"emailDomainName",' +
        '"value":"test.xxxx.com"}]}],"testFlag":"1"}',
    );
    const result = v2BasicRequestSchema.parse(body);
    assert.equal(result.activity, "newInstance");
    if (result.activity !== "newInstance") return;
    assert.equal(result.orderInfo?.[0]?.orderAmount, 12.78);
    assert.equal(result.buyerInfo?.email, "e");
  });
});

describe("v2BasicRequestSchema: failures", () => {
  it("rejects an unknown activity", () => {
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "dropDatabase" })), "activity is not supported");
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({})), "activity is not supported");
  });

  it("names missing newInstance fields", () => {
    const message = issuesOf(v2BasicRequestSchema.safeParse({ activity: "newInstance", orderId: "o", orderLineId: "l" }));
    assert.equal(message, "businessId is required");
  });

  it("rejects oversize and empty values without echoing them", () => {
    const secret = `SECRET${"x".repeat(64)}`;
    const message = issuesOf(v2BasicRequestSchema.safeParse({ activity: "upgradeInstance", instanceId: secret, orderId: "", orderLineId: "l" }));
    assert.equal(message, "instanceId is longer than 64; orderId must not be empty");
    assert.doesNotMatch(message, /SECRET/);
  });

  it("rejects numbers where strings are documented", () => {
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "updateInstanceStatus", instanceId: 5, status: "FREEZE" })), "instanceId must be string");
  });

  it("checks enums and expireTime", () => {
    const base = { activity: "refreshInstance", orderId: "o", orderLineId: "l", instanceId: "i", scene: "RENEWAL" };
    assert.equal(v2BasicRequestSchema.safeParse({ ...base, expireTime: "20221124023618" }).success, true);
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ ...base, expireTime: "202211240236181" })), "expireTime must be yyyyMMddHHmmss[SSS]");
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ ...base, scene: "REFUND", expireTime: "20221124023618" })), "scene is not an allowed value");
    assert.equal(
      issuesOf(v2BasicRequestSchema.safeParse({ activity: "updateInstanceStatus", instanceId: "i", status: "FROZEN" })),
      "status is not an allowed value",
    );
  });

  it("accepts testFlag as string or number and nothing else", () => {
    const base = { activity: "updateInstanceStatus", instanceId: "i", status: "UNFREEZE" };
    for (const testFlag of ["0", "1", 0, 1]) assert.equal(v2BasicRequestSchema.safeParse({ ...base, testFlag }).success, true);
    for (const testFlag of ["2", 2, true, ""]) assert.equal(v2BasicRequestSchema.safeParse({ ...base, testFlag }).success, false);
  });

  it("limits queryInstance to 1..100 non-blank IDs", () => {
    const ids = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`).join(",");
    assert.equal(v2BasicRequestSchema.safeParse({ activity: "queryInstance", instanceId: ids(100) }).success, true);
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "queryInstance", instanceId: ids(101) })), "instanceId has more than 100 instance IDs");
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "queryInstance", instanceId: "a,,b" })), "instanceId contains a blank instance ID");
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "queryInstance", instanceId: " " })), "instanceId contains a blank instance ID");
    assert.equal(issuesOf(v2BasicRequestSchema.safeParse({ activity: "queryInstance", instanceId: "x".repeat(65) })), "instanceId has an ID longer than 64");
    assert.deepEqual(splitInstanceIds("a, b ,c"), ["a", "b", "c"]);
  });

  it("never mutates the input body", () => {
    const body = { activity: "updateInstanceStatus", instanceId: "i", status: "FREEZE", testFlag: 1, extra: "kept" };
    const snapshot = structuredClone(body);
    v2BasicRequestSchema.parse(body);
    assert.deepEqual(body, snapshot);
  });
});

describe("isTestRequest", () => {
  it("normalises every testFlag form", () => {
    assert.equal(isTestRequest({ testFlag: "1" }), true);
    assert.equal(isTestRequest({ testFlag: 1 }), true);
    for (const testFlag of ["0", 0, undefined, "true", 2]) assert.equal(isTestRequest({ testFlag }), false);
  });
});

describe("v1RequestSchema", () => {
  const common = "&timeStamp=20200727073711903&authToken=Gzbfjf9LHRBcI3bFVi%2B%2BsLinCNOBF6qa7is1fvjEgYQ%3D";

  it("parses the protocol:saas-interface.md#v1-newinstance newInstance example", () => {
    const params = query(
      "activity=newInstance&businessId=61e834ba-7b97-4418-b8f7-e5345137278c&customerId=68cbc86abc2018ab880d92f36422fa0e&expireTime=20200727153156&" +
        "orderId=CS1906666666ABCDE&productId=00301-666666-0--0&testFlag=1" +
        common,
    );
    const result = v1RequestSchema.parse(params);
    assert.equal(result.activity, "newInstance");
  });

  it("parses the other documented examples", () => {
    const examples = [
      "activity=refreshInstance&expireTime=20180725000000&instanceId=03pf80c2bae96vc49b80b917bea776d7&orderId=HWS001014ED483AA1E8&testFlag=1&orderAmount=-12.5",
      "activity=expireInstance&instanceId=03pf80c2bae96vc49b80b917bea776d7&testFlag=0",
      "activity=releaseInstance&instanceId=03pf80c2bae96vc49b80b917bea776d7&orderId=CS1",
      "activity=upgrade&amount=6456&instanceId=huaweitest123456&orderId=CS1906666688ABCDE&productId=00301-666688-0-0&skuCode=sku-1&" +
        "saasExtendParams=W3sibmFtZSI6ImlkTnVtIiwidmFsdWUiOiIzNTIyNTU1NTU1NTU2NTYifV0%3D",
      "activity=instanceStatus&instanceId=huaweitest123456&instanceStatus=FREEZE&testFlag=1",
      "activity=instanceStatus&instanceId=huaweitest123456&instanceStatus=NORMAL",
      "activity=queryInstance&" +
        "instanceId=ebc28eb6-4606-4098-b4bd-c201c99a0654%2Cfe28e27e-1157-4105-8592-24cc9488db10%2C92df74e4-163e-4e0b-a206-d9800d33881b&testFlag=1",
      "activity=getLicense&customerId=c1&businessId=b1&orderId=CS1&productId=p&chargingMode=1&periodType=month&periodNumber=12&provisionType=1",
    ];
    for (const example of examples) {
      const result = v1RequestSchema.safeParse(query(example + common));
      assert.equal(result.success, true, result.success ? example : `${example}: ${formatZodIssues(result.error)}`);
    }
  });

  it("rejects V2 spellings, bad timestamps and oversize values", () => {
    assert.equal(
      issuesOf(v1RequestSchema.safeParse(query(`activity=instanceStatus&instanceId=i&instanceStatus=UNFREEZE${common}`))),
      "instanceStatus is not an allowed value",
    );
    assert.equal(
      issuesOf(v1RequestSchema.safeParse(query("activity=expireInstance&instanceId=i&timeStamp=2020&authToken=x"))),
      "timeStamp must be yyyyMMddHHmmssSSS",
    );
    assert.equal(issuesOf(v1RequestSchema.safeParse(query(`activity=expireInstance&instanceId=i&testFlag=2${common}`))), "testFlag is not an allowed value");
    assert.equal(issuesOf(v1RequestSchema.safeParse(query(`activity=expireInstance&instanceId=${"i".repeat(65)}${common}`))), "instanceId is longer than 64");
    assert.equal(issuesOf(v1RequestSchema.safeParse(query(`activity=expireInstance${common}`))), "instanceId is required");
    assert.equal(issuesOf(v1RequestSchema.safeParse(query(`activity=updateInstanceStatus${common}`))), "activity is not supported");
  });
});

describe("kitSchemas", () => {
  const tenantSyncBody = json(
    '{"instanceId":"huaiweitest123456","orderId":"CS1906666666ABCDE","tenantId":"68cbc86abc2018ab880d92f36422fa0e","tenantCode":"huawei",' +
      '"name":"huaiweitest","domainName":"https://example.tenantaccount.com","flag":1,"testFlag":0,"timeStamp":"20220413093539534"}',
  );

  it("parses the protocol:kit-interface.md#tenantsync tenantSync example", () => {
    const result = kitSchemas.tenantSync.parse(tenantSyncBody);
    assert.equal(result.flag, 1);
    assert.equal(result.testFlag, 0);
  });

  it("accepts numeric strings and empty or null IDs", () => {
    const result = kitSchemas.tenantSync.parse({ ...tenantSyncBody, flag: "2", testFlag: "1", instanceId: "", orderId: null });
    assert.equal(result.flag, 2);
    assert.equal(result.testFlag, 1);
    assert.equal(result.instanceId, "");
    assert.equal(result.orderId, "");
  });

  it("rejects flags outside the documented set", () => {
    assert.equal(issuesOf(kitSchemas.tenantSync.safeParse({ ...tenantSyncBody, flag: 3 })), "flag must be one of 0, 1, 2");
    assert.equal(issuesOf(kitSchemas.tenantSync.safeParse({ ...tenantSyncBody, testFlag: 1.5 })), "testFlag must be one of 0, 1");
    assert.equal(kitSchemas.tenantSync.safeParse({ ...tenantSyncBody, flag: "1; drop" }).success, false);
    assert.equal(issuesOf(kitSchemas.tenantSync.safeParse({ ...tenantSyncBody, name: "n".repeat(256) })), "name is longer than 255");
  });

  it("parses applicationSync, with clientSecret optional for deletes", () => {
    const base = { instanceId: "", tenantId: "t", appId: "a", clientId: "c", flag: 1, testFlag: 1, timeStamp: "20220413093539534" };
    assert.equal(kitSchemas.applicationSync.parse({ ...base, clientSecret: "b64" }).clientSecret, "b64");
    assert.equal(kitSchemas.applicationSync.safeParse({ ...base, flag: 0 }).success, true);
  });

  const authBase = { instanceId: "i", tenantId: "t", appId: "a", currentSyncTime: "20220413093539534", flag: 3, testFlag: 0, timeStamp: "20220413093539534" };
  const v1UserList =
    '[{"userName":"zhangsan01","name":"张三","position":"系统管理员","orgCode":"123456789","role":"admin","enable":"true","employeeCode":"","mobile":"",' +
    '"email":"","extension":{"entryDate":"2022-11-9","employeeType":"4","workPlace":"南京"}}]';

  it("parses a V2 authSync user list", () => {
    const users = [{ userName: "u1", name: "n", orgCode: "o", role: "user", enable: "false", employeeType: 2, mobile: "138" }];
    const result = kitSchemas.authSync.parse({ ...authBase, userList: users });
    assert.deepEqual(result.userList[0], { userName: "u1", name: "n", orgCode: "o", role: "user", enable: "false", employeeType: 2, mobile: "138" });
  });

  it("parses a V1 userList JSON string and flattens extension", () => {
    const result = kitSchemas.authSync.parse({ ...authBase, flag: "1", userList: v1UserList });
    assert.deepEqual(result.userList[0], {
      userName: "zhangsan01",
      name: "张三",
      position: "系统管理员",
      orgCode: "123456789",
      role: "admin",
      enable: "true",
      employeeCode: "",
      mobile: "",
      email: "",
      entryDate: "2022-11-9",
      employeeType: 4,
      workPlace: "南京",
    });
  });

  it("rejects bad user lists", () => {
    const user = { userName: "u", name: "n", orgCode: "o", role: "user", enable: "true" };
    assert.equal(issuesOf(kitSchemas.authSync.safeParse({ ...authBase, userList: Array(501).fill(user) })), "userList has more than 500 items");
    assert.equal(issuesOf(kitSchemas.authSync.safeParse({ ...authBase, userList: [{ ...user, role: "root" }] })), "userList[0].role is not an allowed value");
    assert.equal(issuesOf(kitSchemas.authSync.safeParse({ ...authBase, userList: "[{not json" })), "userList must be array");
    assert.equal(issuesOf(kitSchemas.authSync.safeParse({ ...authBase, flag: 4, userList: [user] })), "flag must be one of 0, 1, 2, 3");
  });

  it("parses singleOrgSync", () => {
    const result = kitSchemas.singleOrgSync.parse({
      instanceId: "i",
      tenantId: "t",
      orgCode: "10",
      orgName: "研发部",
      parentCode: null,
      flag: 1,
      testFlag: 0,
      timeStamp: "20220413093539534",
    });
    assert.equal(result.parentCode, "");
  });

  const orgBase = { instanceId: "i", tenantId: "t", testFlag: 1, timeStamp: "20220413093539534" };
  const expectedOrgs = [
    { orgCode: "00000001", orgName: "产品部", parentCode: "265789314" },
    { orgCode: "265789314", orgName: "总部", parentCode: "" },
  ];

  it("parses allOrgSync in every documented shape", () => {
    const asArray = [
      { orgCode: "00000001", orgName: "产品部", parentCode: "265789314" },
      { orgCode: "265789314", orgName: "总部" },
    ];
    const docForm = '[{orgCode:"00000001", orgName:"产品部", parentCode:"265789314" }, {orgCode:"265789314", orgName:"总部", parentCode:""}]';
    const v1Form = JSON.stringify([
      { orgCode: "00000001", name: "产品部", parentCode: "265789314" },
      { orgCode: "265789314", name: "总部", parentCode: "" },
    ]);
    assert.deepEqual(kitSchemas.allOrgSync.parse({ ...orgBase, orgInfoList: asArray }).orgInfoList, expectedOrgs);
    assert.deepEqual(kitSchemas.allOrgSync.parse({ ...orgBase, orgInfoList: JSON.stringify(asArray) }).orgInfoList, expectedOrgs);
    assert.deepEqual(kitSchemas.allOrgSync.parse({ ...orgBase, orgInfoList: docForm }).orgInfoList, expectedOrgs);
    const v1 = kitSchemas.allOrgSync.parse({ ...orgBase, orgInfo: v1Form });
    assert.deepEqual(v1.orgInfoList, expectedOrgs);
    assert.equal("orgInfo" in v1, false);
  });

  it("rejects allOrgSync without a usable list", () => {
    assert.equal(issuesOf(kitSchemas.allOrgSync.safeParse(orgBase)), "orgInfoList is required");
    assert.equal(issuesOf(kitSchemas.allOrgSync.safeParse({ ...orgBase, orgInfoList: "[{orgCode: 1 2}]" })), "orgInfoList must be array");
    assert.equal(issuesOf(kitSchemas.allOrgSync.safeParse({ ...orgBase, orgInfoList: [{ orgName: "x" }] })), "orgInfoList[0].orgCode is required");
  });

  it("recognises Kit names", () => {
    assert.equal(isKitName("authSync"), true);
    assert.equal(isKitName("toString"), false);
    assert.equal(isKitName(undefined), false);
  });
});

describe("parseRelaxedJson", () => {
  it("quotes bare keys but never touches string contents", () => {
    assert.deepEqual(parseRelaxedJson('[{orgCode:"a,b:c", orgName:"{x:1}", $k_1 : "x"}]'), [{ orgCode: "a,b:c", orgName: "{x:1}", $k_1: "x" }]);
    assert.deepEqual(parseRelaxedJson('{"already":"quoted","n":1}'), { already: "quoted", n: 1 });
  });

  it("still rejects code-like input", () => {
    assert.throws(() => parseRelaxedJson("[{a: alert(1)}]"), SyntaxError);
    assert.throws(() => parseRelaxedJson("[{a: 'single'}]"), SyntaxError);
  });
});

describe("formatZodIssues", () => {
  it("is one line, capped at 255 characters, and summarises many issues", () => {
    const result = v1RequestSchema.safeParse({ activity: "newInstance" });
    const message = issuesOf(result);
    assert.doesNotMatch(message, /\n/);
    assert.ok(message.length <= 255);
    assert.match(message, /^authToken is required; timeStamp is required; .*; and \d+ more$/);
  });
});
