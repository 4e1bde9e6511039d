// The ES256 keys that sign SSO hand-off tokens (lib/sso/handoff-token.ts). The
// private half is stored sealed under PORTAL_ENCRYPTION_KEY; only public JWKs
// leave this module. Several app instances share one database, so the first
// key is created under a lock: every instance converges on one key.
import type { KeyObject } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import { openSecret, sealSecret } from "@/lib/crypto/secret-box";
import { getDb, type Db } from "@/lib/db";
import { getEnv } from "@/lib/env";
import { runSql, sql } from "@/lib/sql/insert-sql";

export const SIGNING_ALG = "ES256";

/** How long an instance keeps using the key it loaded before looking again (picks up rotations). */
const ACTIVE_KEY_CACHE_MS = 5 * 60_000;
/** A retired key stays in the JWKS this long, so tokens it signed (and cached JWKS copies) still verify. */
const RETIRED_KEY_PUBLISHED_MS = 24 * 60 * 60_000;

/** The only members a published key carries (RFC 7517/7518 EC public key plus kid, alg, use). */
export type PublicSigningJwk = { kty: "EC"; crv: "P-256"; x: string; y: string; kid: string; alg: typeof SIGNING_ALG; use: "sig" };

export type ActiveSigningKey = {
  kid: string;
  alg: typeof SIGNING_ALG;
  privateKey: CryptoKey | KeyObject;
  publicJwk: PublicSigningJwk;
};

type SigningKeyRow = { kid: string; publicJwk: unknown; privateJwkEnc: string };

let cached: { key: ActiveSigningKey; expiresAt: number } | undefined;
let loading: Promise<ActiveSigningKey> | undefined;

/** Rebuilds a public JWK member by member, so a private member (`d`) can never slip through. */
function toPublicJwk(jwk: unknown, kid: string): PublicSigningJwk {
  const { kty, crv, x, y } = (jwk ?? {}) as Record<string, unknown>;
  if (kty !== "EC" || crv !== "P-256" || typeof x !== "string" || typeof y !== "string") {
    throw new Error(`signing key ${kid} is not an EC P-256 public key`);
  }
  return { kty, crv, x, y, kid, alg: SIGNING_ALG, use: "sig" };
}

async function fromRow(row: SigningKeyRow): Promise<ActiveSigningKey> {
  const publicJwk = toPublicJwk(row.publicJwk, row.kid);
  const privateJwk = JSON.parse(openSecret(row.privateJwkEnc, getEnv().encryptionKey)) as JWK;
  if (privateJwk.x !== publicJwk.x || privateJwk.y !== publicJwk.y || typeof privateJwk.d !== "string") {
    throw new Error(`signing key ${row.kid}: the sealed private key does not match the public key`);
  }
  const privateKey = await importJWK(privateJwk, SIGNING_ALG);
  if (privateKey instanceof Uint8Array) throw new Error(`signing key ${row.kid} is not an asymmetric key`);
  return { kid: row.kid, alg: SIGNING_ALG, privateKey, publicJwk };
}

const newestFirst = [{ createdAt: "desc" as const }, { kid: "desc" as const }];

/** Serialises the first key's creation across app instances (a transaction-scoped advisory lock). */
const CREATE_KEY_LOCK = 0x4b47_5349_474e; // "KGSIGN"

async function createSigningKey(db: Db): Promise<ActiveSigningKey> {
  const pair = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const { kty, crv, x, y } = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint({ kty, crv, x, y });
  const publicJwk = toPublicJwk({ kty, crv, x, y }, kid);
  const { d } = await exportJWK(pair.privateKey);
  const privateJwkEnc = sealSecret(JSON.stringify({ kty, crv, x, y, d }), getEnv().encryptionKey);
  // Another instance may be creating the first key at the same moment: under the lock, whoever comes
  // second finds the first one's key and uses it, so every instance signs with the same key. (Choosing
  // "the oldest" after inserting raced: an insert not yet committed was invisible to the other side.)
  const row = await db.$transaction(async (tx) => {
    await runSql(tx, sql`SELECT 1 AS locked FROM pg_advisory_xact_lock(${CREATE_KEY_LOCK}::bigint)`);
    const existing = await tx.signingKey.findFirst({ where: { alg: SIGNING_ALG, retiredAt: null }, orderBy: newestFirst });
    return existing ?? tx.signingKey.create({ data: { kid, alg: SIGNING_ALG, publicJwk, privateJwkEnc } });
  });
  return fromRow(row);
}

async function loadActiveSigningKey(): Promise<ActiveSigningKey> {
  const db = await getDb();
  const row = await db.signingKey.findFirst({ where: { alg: SIGNING_ALG, retiredAt: null }, orderBy: newestFirst });
  return row ? fromRow(row) : createSigningKey(db);
}

/** The key new hand-off tokens are signed with: the newest key not retired, created on first use. */
export async function getActiveSigningKey(): Promise<ActiveSigningKey> {
  if (cached && cached.expiresAt > Date.now()) return cached.key;
  // One load per process at a time; the database settles races between processes.
  const current = (loading ??= loadActiveSigningKey()
    .then((key) => {
      if (loading === current) cached = { key, expiresAt: Date.now() + ACTIVE_KEY_CACHE_MS };
      return key;
    })
    .finally(() => {
      if (loading === current) loading = undefined;
    }));
  return current;
}

/**
 * The JWKS merchants verify hand-off tokens with: public parts of every key not
 * retired, or retired less than a day ago. Always holds the active key (created
 * here when there is none), so a JWKS fetched before the first sign-in has it.
 */
export async function getPublishedJwks(): Promise<{ keys: JWK[] }> {
  const db = await getDb();
  const read = () =>
    db.signingKey.findMany({
      where: { alg: SIGNING_ALG, OR: [{ retiredAt: null }, { retiredAt: { gt: new Date(Date.now() - RETIRED_KEY_PUBLISHED_MS) } }] },
      orderBy: newestFirst,
      select: { kid: true, publicJwk: true, retiredAt: true },
    });
  let rows = await read();
  if (!rows.some((row) => row.retiredAt === null)) {
    await getActiveSigningKey();
    rows = await read();
  }
  return { keys: rows.map((row) => toPublicJwk(row.publicJwk, row.kid)) };
}

/** Forgets the cached key (and any load in flight), so a test can act like a freshly started instance. */
export function resetSigningKeyCacheForTests(): void {
  cached = undefined;
  loading = undefined;
}
