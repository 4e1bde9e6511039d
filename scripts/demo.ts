// npm run demo: build if needed, start the portal on the embedded database in
// demo mode (local keys generated once under DATA_DIR), then send KooGallery's
// calls for a set of demo orders through the real endpoint, signed like
// KooGallery signs them. Orders have fixed ids, so a second start re-sends them
// and idempotency answers the same instances.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { encodeSaasExtendParams } from "../lib/koogallery/saas-extend-params";
import { encryptClientSecret } from "../lib/koogallery/rsa-oaep";
import { buildKitV2Request, buildV1GetRequest, buildV2BasicRequest, sendSignedRequest } from "../lib/koogallery/signer";
import { ensureBuild } from "./lib/ensure-build";

const root = path.resolve(import.meta.dirname, "..");
const port = Number(process.env.PORT ?? 3000);
const dataDir = path.resolve(process.env.DATA_DIR ?? path.join(root, "data"));
const baseUrl = `http://localhost:${port}`;
const saasUrl = `${baseUrl}/api/koogallery/saas`;

// The demo tenant's people, as authSync grants them and as the mock identity provider knows them.
const DEMO_TENANT_ID = "demo-tenant-0001";
const people = [
  ["alice", "Alice Admin", "100", "admin"],
  ["bob", "Bob Builder", "111", "user"],
  ["carol", "Carol Coder", "112", "user"],
  ["dave", "Dave Dealer", "120", "user"],
  ["erin", "Erin Euro", "130", "user"],
] as const;
mkdirSync(dataDir, { recursive: true });
writeFileSync(
  path.join(dataDir, "mock-idp-tenants.json"),
  JSON.stringify(
    [
      {
        tenantId: DEMO_TENANT_ID,
        clientId: "demo-client-id",
        clientSecret: "demo-client-secret",
        projectName: "Acme Demo Ltd",
        users: people.map(([userName, name, orgCode, role]) => ({ userName, name, orgCode, role })),
      },
    ],
    null,
    2,
  ),
);

try {
  ensureBuild(root);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
}
const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server.ts")], {
  cwd: root,
  stdio: "inherit",
  // The production build in demo mode with the mock identity provider: production refuses both unless told (lib/env.ts).
  env: { ...process.env, PORTAL_DEMO: "1", PORTAL_MOCK_IDP: "1", PORTAL_ALLOW_UNSAFE: "1", DATA_DIR: dataDir, PORT: String(port), NODE_ENV: "production" },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));

async function waitForHealth(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`${baseUrl}/api/health`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("the portal did not start");
}

await waitForHealth();
const keys = JSON.parse(readFileSync(path.join(dataDir, "demo-secrets.json"), "utf8")) as { accessKey: string; kitAccessKey: string };

async function v2(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const res = await sendSignedRequest(buildV2BasicRequest({ baseUrl: saasUrl, accessKey: keys.accessKey, body }));
  return res.json as Record<string, unknown>;
}
async function v1(params: Record<string, string>): Promise<Record<string, unknown>> {
  const res = await sendSignedRequest(buildV1GetRequest({ baseUrl: saasUrl, accessKey: keys.accessKey, params }));
  return res.json as Record<string, unknown>;
}

const bid = (n: number) => `demo-instance-${String(n).padStart(4, "0")}`;
const order = (n: number) => ({
  orderId: `CSDEMO${String(n).padStart(6, "0")}`,
  orderLineId: `CSDEMO${String(n).padStart(6, "0")}-000001`,
  businessId: bid(n),
});
let sent = 0;
const unexpected: string[] = [];
/** Counts the call; 000000 (and 000004, provisioning) are expected of every demo call but the refused one. */
const count = <T>(p: Promise<T>, expect = ["000000", "000004"]) =>
  p.then((r) => {
    sent += 1;
    const code = String(
      (r as { resultCode?: unknown; json?: { resultCode?: unknown } }).resultCode ?? (r as { json?: { resultCode?: unknown } }).json?.resultCode,
    );
    if (!expect.includes(code)) unexpected.push(`call ${sent}: ${code}`);
    return r;
  });

for (let n = 1; n <= 12; n++) await count(v2({ activity: "newInstance", ...order(n), testFlag: "0" }));
await count(
  v2({
    activity: "refreshInstance",
    scene: "RENEWAL",
    instanceId: bid(2),
    orderId: "CSDEMORENEW02",
    orderLineId: "CSDEMORENEW02-000001",
    expireTime: "20271231000000",
  }),
);
await count(
  v2({
    activity: "refreshInstance",
    scene: "TRIAL_TO_FORMAL",
    instanceId: bid(3),
    orderId: "CSDEMOT2F03",
    orderLineId: "CSDEMOT2F03-000001",
    expireTime: "20280101000000",
  }),
);
await count(v2({ activity: "upgradeInstance", instanceId: bid(4), orderId: "CSDEMOUPG04", orderLineId: "CSDEMOUPG04-000001" }));
await count(v2({ activity: "updateInstanceStatus", instanceId: bid(5), status: "FREEZE" }));
await count(v2({ activity: "releaseInstance", instanceId: bid(6), orderId: "CSDEMOUNSUB06", orderLineId: "CSDEMOUNSUB06-000001" }));
await count(v2({ activity: "queryInstance", instanceId: [bid(1), bid(2), bid(3)].join(",") }));
await count(
  v2({ activity: "newInstance", orderId: "CS1906666666ABCDE", orderLineId: "CS1906666666ABCDE-000001", businessId: "huaweitest123456", testFlag: "1" }),
);
await count(
  v1({
    activity: "newInstance",
    orderId: "CSDEMOV1000001",
    businessId: "demo-v1-instance-0001",
    customerId: "68cbc86abc2018ab880d92f36422fa0e",
    customerName: "Demo V1 Buyer",
    productId: "00301-666666-0--0",
    skuCode: "demo-sku",
    chargingMode: "1",
    periodType: "month",
    periodNumber: "1",
    expireTime: "20271124000000",
    saasExtendParams: encodeSaasExtendParams([{ name: "emailDomainName", value: "demo.example.com" }]),
  }),
);
await count(v1({ activity: "instanceStatus", instanceId: "demo-v1-instance-0001", instanceStatus: "FREEZE" }));
await count(v1({ activity: "instanceStatus", instanceId: "demo-v1-instance-0001", instanceStatus: "NORMAL" }));
// A joint-operation tenant bound to demo instance 1: enterprise, app credential, org tree, users.
async function kit(kitName: "tenantSync" | "applicationSync" | "authSync" | "singleOrgSync" | "allOrgSync", body: Record<string, unknown>) {
  const res = await sendSignedRequest(
    buildKitV2Request({ baseUrl: saasUrl, kitName, accessKey: keys.kitAccessKey, body: { ...body, testFlag: 0, timeStamp: "20261124120000000" } }),
  );
  return res.json as Record<string, unknown>;
}
const tenant = { instanceId: bid(1), tenantId: DEMO_TENANT_ID };
const publicKey = readFileSync(path.join(dataDir, "demo-rsa-public.pem"), "utf8");
await count(
  kit("tenantSync", {
    ...tenant,
    orderId: order(1).orderId,
    tenantCode: "acme",
    name: "Acme Demo Ltd",
    domainName: `${baseUrl}/mock-idp/tenants/${DEMO_TENANT_ID}`,
    flag: 1,
  }),
);
await count(
  kit("applicationSync", {
    ...tenant,
    appId: "demo-app",
    clientId: "demo-client-id",
    clientSecret: encryptClientSecret("demo-client-secret", publicKey, "sha256-mgf1sha1"),
    flag: 1,
  }),
);
const departments = [
  { orgCode: "100", orgName: "Acme", parentCode: "" },
  { orgCode: "110", orgName: "Engineering", parentCode: "100" },
  { orgCode: "111", orgName: "Platform", parentCode: "110" },
  { orgCode: "112", orgName: "Mobile", parentCode: "110" },
  { orgCode: "120", orgName: "Sales", parentCode: "100" },
  { orgCode: "130", orgName: "Finance", parentCode: "100" },
];
await count(kit("allOrgSync", { ...tenant, orgInfoList: departments }));
await count(
  kit("authSync", {
    ...tenant,
    appId: "demo-app",
    currentSyncTime: "20261124120000000",
    flag: 1,
    userList: people.map(([userName, name, orgCode, role]) => ({
      userName,
      name,
      orgCode,
      role,
      enable: "true",
      position: role === "admin" ? "IT manager" : "staff",
    })),
  }),
);
await count(kit("singleOrgSync", { ...tenant, orgCode: "113", orgName: "Data", parentCode: "110", flag: 1 }));

// One refused call, so the callback log shows what a bad signature looks like.
await count(
  sendSignedRequest(buildV2BasicRequest({ baseUrl: saasUrl, accessKey: "not-the-merchant-key", body: { activity: "queryInstance", instanceId: bid(1) } })),
  ["000001"],
);
if (unexpected.length) console.warn(`[demo] unexpected answers: ${unexpected.join(", ")}`);

const staffFile = path.join(dataDir, "demo-staff.json");
const mockIdpLoginUrl =
  `${baseUrl}/mock-idp/tenants/${DEMO_TENANT_ID}/unified-login?app_login_url=` + encodeURIComponent(`${baseUrl}/api/auth/callback/koogallery`);
const staff = existsSync(staffFile) ? ((JSON.parse(readFileSync(staffFile, "utf8")) as { accounts?: { email: string }[] }).accounts ?? []) : [];
console.log(`
[demo] sign in at   ${baseUrl}/login
[demo]   staff:     ${staff.length ? staff.map((s) => s.email).join(", ") : "(see the portal's output above)"}; passwords in ${staffFile}
[demo]   buyers:    tenant code "acme", then at the mock KooGallery sign-in: alice (tenant admin) or bob (user), any password
[demo]   or enter as KooGallery would: ${mockIdpLoginUrl}
[demo] sent ${sent} signed KooGallery calls through ${saasUrl}
[demo] portal:      ${baseUrl}
[demo] language:    简体中文 by default (or your browser's Accept-Language); switch to English with the selector in the
[demo]              page header or on the sign-in page. Times are in Beijing time (PORTAL_TIME_ZONE), changeable there too.
[demo] keys:        ${path.join(dataDir, "demo-secrets.json")} (demo only)
[demo] try:         npm run koogallery -- queryInstance --instanceId=${bid(1)}
[demo] stop with Ctrl-C; data stays in ${dataDir}
`);
