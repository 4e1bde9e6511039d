// npm run koogallery -- <activity> [--url=URL] [--v1] [--key=KEY] [--field=value ...]
// Sends one signed call exactly as KooGallery would (like the seller center's
// debugging page) and prints the request and the answer. Activities: the V2
// basic ones (newInstance, queryInstance, ...), the V1 ones with --v1, and the
// Kit syncs (tenantSync, authSync, ...; V1 Kit with --v1).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { decryptV1Field } from "../lib/koogallery/aes";
import { verifyBodySign } from "../lib/koogallery/body-sign";
import { isKitName } from "../lib/koogallery/schemas";
import { buildKitV1Request, buildKitV2Request, buildV1GetRequest, buildV2BasicRequest, sendSignedRequest, type SignedRequest } from "../lib/koogallery/signer";

function usage(): never {
  console.error("usage: npm run koogallery -- <activity> [--url=URL] [--v1] [--key=KEY] [--field=value ...]");
  console.error("example: npm run koogallery -- newInstance --testFlag=1");
  process.exit(2);
}

const [activity, ...rest] = process.argv.slice(2);
if (!activity || activity.startsWith("--")) usage();
const opts: Record<string, string> = {};
for (const arg of rest) {
  const m = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
  if (!m) usage();
  opts[m[1]!] = m[2] ?? "true";
}
const isV1 = opts.v1 === "true";
const url = opts.url ?? `http://localhost:${process.env.PORT ?? 3000}/api/koogallery/saas`;
delete opts.v1;
delete opts.url;

function demoSecrets(): Record<string, string> {
  const file = path.join(process.env.DATA_DIR ?? "./data", "demo-secrets.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Record<string, string>) : {};
}
const isKit = isKitName(activity);
const key =
  opts.key ??
  (isKit ? (process.env.KOOGALLERY_KIT_ACCESS_KEY ?? demoSecrets().kitAccessKey) : undefined) ??
  process.env.KOOGALLERY_ACCESS_KEY ??
  demoSecrets().accessKey;
delete opts.key;
if (!key) {
  console.error("no key: pass --key=..., set KOOGALLERY_ACCESS_KEY, or run the demo once (it writes data/demo-secrets.json)");
  process.exit(2);
}

/** Numbers and JSON stay typed for Kit bodies (flag: 1, userList: [...]). */
function typed(value: string): unknown {
  if (/^[[{]/.test(value)) {
    try {
      return JSON.parse(value);
    } catch {
      return value;
    }
  }
  return isKit && /^-?\d+$/.test(value) ? Number(value) : value;
}

const fields: Record<string, unknown> = Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, typed(v)]));
if (activity === "newInstance") {
  const orderId = String(fields.orderId ?? `CS${Date.now()}`);
  fields.orderId = orderId;
  fields.businessId ??= randomUUID();
  if (!isV1) fields.orderLineId ??= `${orderId}-000001`;
  if (isV1) {
    fields.customerId ??= "demo-customer";
    fields.productId ??= "demo-product";
  }
}

let req: SignedRequest;
if (isKit) {
  const base = url.replace(/\/+$/, "");
  req = isV1
    ? buildKitV1Request({ baseUrl: base, kitName: activity, accessKey: key, body: fields })
    : buildKitV2Request({ baseUrl: base, kitName: activity, accessKey: key, body: fields });
} else if (isV1) {
  req = buildV1GetRequest({
    baseUrl: url,
    accessKey: key,
    params: { activity, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])) },
  });
} else {
  req = buildV2BasicRequest({ baseUrl: url, accessKey: key, body: { activity, ...fields } });
}

console.log(`> ${req.method} ${req.url}`);
for (const [k, v] of Object.entries(req.headers)) console.log(`> ${k}: ${v}`);
if (req.body) console.log(`> ${req.body}`);
const res = await sendSignedRequest(req);
console.log(`\n< HTTP ${res.status}`);
for (const [k, v] of Object.entries(res.headers)) if (/body-sign|content-type/i.test(k)) console.log(`< ${k}: ${v}`);
console.log(`< ${res.bodyText}`);
console.log(`\nBody-Sign ${verifyBodySign(key, res.bodyText, res.headers["body-sign"]) ? "verifies" : "MISSING OR WRONG"}`);
const json = res.json as { appInfo?: Record<string, string>; info?: Array<{ appInfo?: Record<string, string> }>; encryptType?: string } | undefined;
if (json?.encryptType) {
  for (const info of [json.appInfo, ...(json.info ?? []).map((i) => i.appInfo)]) {
    for (const field of ["userName", "password"] as const) {
      if (info?.[field]) console.log(`decrypted ${field}: ${decryptV1Field(info[field], key, json.encryptType)}`);
    }
  }
}
