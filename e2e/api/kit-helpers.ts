// Shared by the Kit integration tests: a portal with its own RSA key pair,
// Kit calls signed exactly as KooGallery signs them, the answer checks every
// Kit answer must pass, and one-query snapshots of the Kit tables (on PGlite
// each portal.query restarts the portal, so tests read the database rarely).
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { verifyBodySign } from "../../lib/koogallery/body-sign";
import type { KitName } from "../../lib/koogallery/schemas";
import { buildKitV1Request, buildKitV2Request, sendSignedRequest } from "../../lib/koogallery/signer";
import type { Answer } from "../fixtures/koogallery";
import { startPortal, type Portal } from "../fixtures/portal";

export type KitPortal = { portal: Portal; publicKeyPem: string; close(): Promise<void> };

/** A portal whose KOOGALLERY_RSA_PRIVATE_KEY_FILE is a 3072-bit key made for this file. */
export async function startKitPortal(extraEnv: Record<string, string> = {}): Promise<KitPortal> {
  const dir = mkdtempSync(path.join(tmpdir(), "kg-kit-rsa-"));
  const { privateKey, publicKey } = generateKeyPairSync("rsa", {
    modulusLength: 3072,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const keyFile = path.join(dir, "kit-rsa-private.pem");
  writeFileSync(keyFile, privateKey, { mode: 0o600 });
  const portal = await startPortal({ KOOGALLERY_RSA_PRIVATE_KEY_FILE: keyFile, ...extraEnv });
  return {
    portal,
    publicKeyPem: publicKey,
    async close() {
      await portal.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function toAnswer(r: { status: number; headers: Record<string, string>; bodyText: string }): Answer {
  return { ...r, json: JSON.parse(r.bodyText) as Record<string, unknown> };
}

export type V2Options = { key?: string; timestamp?: string; nonce?: string; timeoutMs?: number };

export async function kitV2(portal: Portal, kitName: KitName, body: Record<string, unknown>, opts: V2Options = {}): Promise<Answer> {
  const req = buildKitV2Request({
    baseUrl: portal.saasUrl,
    kitName,
    accessKey: opts.key ?? portal.keys.kitAccessKey,
    body,
    timestamp: opts.timestamp,
    nonce: opts.nonce,
  });
  return toAnswer(await sendSignedRequest(req, { timeoutMs: opts.timeoutMs }));
}

export async function kitV1(portal: Portal, kitName: KitName, body: Record<string, unknown>, opts: { key?: string; timeoutMs?: number } = {}): Promise<Answer> {
  const req = buildKitV1Request({ baseUrl: portal.saasUrl, kitName, accessKey: opts.key ?? portal.keys.kitAccessKey, body });
  return toAnswer(await sendSignedRequest(req, { timeoutMs: opts.timeoutMs }));
}

export async function postRaw(url: string, body: string, headers: Record<string, string>): Promise<Answer> {
  const res = await fetch(url, { method: "POST", body, headers: { "content-type": "application/json", ...headers }, signal: AbortSignal.timeout(60_000) });
  const bodyText = await res.text();
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return toAnswer({ status: res.status, headers: out, bodyText });
}

/** HTTP 200, JSON, the expected code, Body-Sign over the exact bytes with the Kit key, nothing internal. */
export function assertKitAnswer(portal: Portal, a: Answer, code: string, why?: string): void {
  assert.equal(a.status, 200);
  assert.match(a.headers["content-type"] ?? "", /application\/json/);
  assert.equal(a.json.resultCode, code, `${why ? `${why}: ` : ""}expected ${code}, got ${a.bodyText}`);
  assert.equal(typeof a.json.resultMsg, "string");
  assert.doesNotMatch(a.bodyText, /\bat .*\(|Error:|stack|prisma/i, "no stack traces or internals in answers");
  assert.ok(verifyBodySign(portal.keys.kitAccessKey, a.bodyText, a.headers["body-sign"]), "Body-Sign with the Kit key");
}

export type TenantRow = {
  tenantId: string;
  instanceKey: string;
  orderId: string | null;
  tenantCode: string;
  name: string;
  domainName: string;
  isTest: boolean;
  deletedAt: string | null;
};
export type AppRow = {
  tenantId: string;
  instanceKey: string;
  appId: string;
  clientId: string;
  clientSecretEnc: string | null;
  oaepVariant: string | null;
  isTest: boolean;
  deletedAt: string | null;
};
export type UserRow = {
  tenantId: string;
  appId: string;
  userName: string;
  name: string;
  orgCode: string;
  role: string;
  isEnabled: boolean;
  mobile: string | null;
  email: string | null;
  employeeType: number | null;
  workPlace: string | null;
  entryDate: string | null;
  status: string;
  isOrphaned: boolean;
};
export type DepartmentRow = { tenantId: string; orgCode: string; orgName: string; parentCode: string; linkedTo: string | null };
export type EventRow = {
  tenantId: string;
  kind: string;
  flag: number | null;
  counts: Record<string, number>;
  diff: unknown;
  callbackLogId: string | null;
  isTest: boolean;
  hasLog: boolean;
};
export type LogRow = {
  id: string;
  endpoint: string;
  generation: string;
  activity: string | null;
  verification: string;
  verificationInfo: Record<string, unknown> | null;
  resultCode: string;
  resultMsg: string | null;
  tenantId: string | null;
  instanceId: string | null;
  orderId: string | null;
  isTest: boolean;
  handlerNote: string | null;
  requestMasked: string | null;
  responseMasked: string | null;
  isSealed: boolean;
};
export type BigTree = { tenantId: string; departments: number; wrongLinks: number };

export type KitSnapshot = {
  tenants: TenantRow[];
  apps: AppRow[];
  users: UserRow[];
  departments: DepartmentRow[];
  events: EventRow[];
  logs: LogRow[];
  bigTrees: BigTree[];
};

/** Tenants whose tenantId starts with this keep only counts in snapshots (thousands of departments). */
export const BIG_TENANT_PREFIX = "big-";

/**
 * The Kit tables in one statement (one portal restart on PGlite). Request
 * bodies over 64 KiB are left out; big tenants are reduced to counts and a
 * check that every parentId agrees with its parentCode.
 */
export async function snapshotKit(portal: Portal): Promise<KitSnapshot> {
  const rows = await portal.query<{ snapshot: string }>(
    `SELECT json_build_object(
       'tenants', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId", 'instanceKey', t."instanceKey", 'orderId', t."orderId",
         'tenantCode', t."tenantCode",
                                   'name', t.name, 'domainName', t."domainName", 'isTest', t."isTest", 'deletedAt', t."deletedAt")) FROM "Tenant" t), '[]'),
       'apps', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId", 'instanceKey', t."instanceKey", 'appId', a."appId", 'clientId',
         a."clientId",
                                   'clientSecretEnc', a."clientSecretEnc", 'oaepVariant', a."oaepVariant", 'isTest', a."isTest", 'deletedAt', a."deletedAt"))
                           FROM "TenantApp" a JOIN "Tenant" t ON t.id = a."tenantRowId"), '[]'),
       'users', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId", 'appId', u."appId", 'userName', u."userName", 'name', u.name,
         'orgCode', u."orgCode",
                                   'role', u.role, 'isEnabled', u."isEnabled", 'mobile', u.mobile, 'email', u.email, 'employeeType', u."employeeType",
                                   'workPlace', u."workPlace", 'entryDate', u."entryDate", 'status', u.status, 'isOrphaned', u."isOrphaned"))
                           FROM "TenantUser" u JOIN "Tenant" t ON t.id = u."tenantRowId"), '[]'),
       'departments', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId", 'orgCode', d."orgCode", 'orgName', d."orgName",
         'parentCode', d."parentCode", 'linkedTo', p."orgCode"))
                           FROM "Department" d JOIN "Tenant" t ON t.id = d."tenantRowId" LEFT JOIN "Department" p ON p.id = d."parentId"
                          WHERE t."tenantId" NOT LIKE '${BIG_TENANT_PREFIX}%'), '[]'),
       'events', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId", 'kind', e.kind, 'flag', e.flag, 'counts', e.counts,
                                   'diff', CASE WHEN t."tenantId" LIKE '${BIG_TENANT_PREFIX}%' THEN NULL ELSE e.diff END,
                                   'callbackLogId', e."callbackLogId", 'isTest', e."isTest",
                                   'hasLog', EXISTS (SELECT 1 FROM "CallbackLog" l WHERE l.id = e."callbackLogId")) ORDER BY e."createdAt", e.id)
                           FROM "SyncEvent" e JOIN "Tenant" t ON t.id = e."tenantRowId"), '[]'),
       'logs', coalesce((SELECT json_agg(json_build_object('id', l.id, 'endpoint', l.endpoint, 'generation', l.generation, 'activity', l.activity,
                                   'verification', l.verification, 'verificationInfo', l."verificationInfo", 'resultCode', l."resultCode",
                                     'resultMsg', l."resultMsg",
                                   'tenantId', l."tenantId", 'instanceId', l."instanceId", 'orderId', l."orderId", 'isTest', l."isTest",
                                     'handlerNote', l."handlerNote",
                                   'requestMasked', CASE WHEN length(l."requestMasked"::text) > 65536 THEN NULL ELSE l."requestMasked"::text END,
                                   'responseMasked', l."responseMasked", 'isSealed', l."requestSealed" IS NOT NULL) ORDER BY l."receivedAt", l.id)
                           FROM "CallbackLog" l), '[]'),
       'bigTrees', coalesce((SELECT json_agg(json_build_object('tenantId', t."tenantId",
                                   'departments', (SELECT count(*) FROM "Department" d WHERE d."tenantRowId" = t.id),
                                   'wrongLinks', (SELECT count(*) FROM "Department" c
                                     LEFT JOIN "Department" p ON p."tenantRowId" = c."tenantRowId" AND p."orgCode" = c."parentCode"
                                                   WHERE c."tenantRowId" = t.id AND c."parentId" IS DISTINCT FROM p.id)))
                           FROM "Tenant" t WHERE t."tenantId" LIKE '${BIG_TENANT_PREFIX}%'), '[]')
     )::text AS snapshot`,
  );
  return JSON.parse(rows[0]?.snapshot ?? "{}") as KitSnapshot;
}

/** The log rows of one tenant (by the tenantId the log links), oldest first. */
export function logsOf(s: KitSnapshot, tenantId: string): LogRow[] {
  return s.logs.filter((l) => l.tenantId === tenantId);
}

/** The sync events of one tenant, oldest first. */
export function eventsOf(s: KitSnapshot, tenantId: string, kind?: string): EventRow[] {
  return s.events.filter((e) => e.tenantId === tenantId && (kind === undefined || e.kind === kind));
}

/** Each authSync's flag and what it did to the grants, in order: [flag, added, updated, unchanged, revoked, deleted, unknown, ...more]. */
export function grantStepsOf(s: KitSnapshot, tenantId: string, more: readonly string[] = []): Array<Array<number | null | undefined>> {
  const counts = ["added", "updated", "unchanged", "revoked", "deleted", "unknown", ...more];
  return eventsOf(s, tenantId, "authSync").map((e) => [e.flag, ...counts.map((c) => e.counts[c])]);
}
