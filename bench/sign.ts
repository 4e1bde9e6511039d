// The bench's own V2 basic signer (protocol:signatures.md#v2-basic-signature / protocol:signatures.md#signing-as-koogallery-does), written like
// KooGallery signs so the numbers include real verification work. Kept apart
// from lib/koogallery so a bug there cannot hide behind a matching bug here.
import { createHmac, randomBytes } from "node:crypto";

export type V2Body = Record<string, string>;

export type SignedV2 = { payload: string; query: string; signature: string; timestamp: string; nonce: string };

/** Compact JSON with top-level keys sorted ascending (the demo's TreeMap + Jackson). */
export function canonicalV2Payload(body: V2Body): string {
  const keys = Object.keys(body).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(body[k])}`).join(",")}}`;
}

/** 64 upper-case hex characters, as in KooGallery's examples. */
export function randomNonce(): string {
  return randomBytes(32).toString("hex").toUpperCase();
}

export function signV2(accessKey: string, body: V2Body, timestamp = String(Date.now()), nonce = randomNonce()): SignedV2 {
  const payload = canonicalV2Payload(body);
  const inner = createHmac("sha256", accessKey).update(payload).digest("hex");
  const signature = createHmac("sha256", accessKey)
    .update(accessKey + nonce + timestamp + inner)
    .digest("hex")
    .toUpperCase();
  return { payload, signature, timestamp, nonce, query: `signature=${signature}&timestamp=${timestamp}&nonce=${nonce}` };
}

/** protocol:test-vectors.md#v2-basic-request: key, body, timestamp, nonce and the expected signature. */
export const SPEC_V2_VECTOR = {
  accessKey: "demo-access-key-0123456789",
  body: {
    activity: "newInstance",
    businessId: "87b94795-0603-4e24-8ae5-69420d60e3c8",
    orderId: "CS2211181819B4LVS",
    orderLineId: "CS2211181819B4LVS-000001",
    testFlag: "1",
  },
  timestamp: "1680508066618",
  nonce: "50D83FDECAED6CCD8EF597F2A577950527928BA287D04E6036E92B2806FD17DA",
  signature: "BAF60A798EAC102CC1E998449141672E23A814095DED0C2072B011B83E235583",
} as const;

/** Throws if this signer disagrees with protocol:test-vectors.md#v2-basic-request (a harness bug, not a target miss). */
export function assertSignerMatchesSpec(): void {
  const v = SPEC_V2_VECTOR;
  const got = signV2(v.accessKey, { ...v.body }, v.timestamp, v.nonce).signature;
  if (got !== v.signature) throw new Error(`bench signer disagrees with protocol:test-vectors.md#v2-basic-request: ${got} != ${v.signature}`);
}
