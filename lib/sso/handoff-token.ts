// The hand-off token: after KooGallery SSO the buyer's user is redirected to
// their instance's front-end URL with `kg_token=<JWT>`, which the merchant's
// application verifies with our JWKS (/.well-known/jwks.json). Short-lived,
// bound to one instance by `aud`. Contract for merchants: docs/handoff-token.md.
import { randomBytes } from "node:crypto";
import { createLocalJWKSet, errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { PortalError } from "@/lib/errors";
import { getPublishedJwks, getActiveSigningKey, SIGNING_ALG } from "@/lib/sso/signing-keys";

export const HANDOFF_QUERY_PARAM = "kg_token";
/** Clock skew we accept between the portal and whoever checks `exp`. */
const CLOCK_TOLERANCE_SECONDS = 5;
/** Far above any token we sign; refuses junk before it is parsed. */
const MAX_TOKEN_LENGTH = 8192;

export type HandoffClaims = {
  userName: string;
  name: string;
  role: "admin" | "user";
  tenantId: string;
  orgCode?: string;
  instanceId: string;
};

const payloadSchema = z.object({
  iss: z.string(),
  aud: z.string(),
  sub: z.string(),
  tenant: z.string().min(1),
  userName: z.string().min(1),
  name: z.string(),
  role: z.enum(["admin", "user"]),
  organizationCode: z.string().optional(),
  jti: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

/** A verified token's claims, under the names the token carries (see docs/handoff-token.md). */
export type HandoffTokenPayload = z.infer<typeof payloadSchema>;

/** A refused token. `reason` (a jose error code or `ERR_HANDOFF_CLAIMS`) is for logs; clients see one message. */
export class HandoffTokenError extends PortalError {
  override name = "HandoffTokenError";
  constructor(readonly reason: string) {
    super("unauthorized", "The sign-in link is invalid or has expired");
  }
}

export async function signHandoffToken(claims: HandoffClaims): Promise<string> {
  const { userName, name, role, tenantId, orgCode, instanceId } = claims;
  if (!userName || !tenantId || !instanceId) throw new Error("signHandoffToken needs userName, tenantId and instanceId");
  const env = getEnv();
  const key = await getActiveSigningKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ tenant: tenantId, userName, name, role, ...(orgCode ? { organizationCode: orgCode } : {}) })
    .setProtectedHeader({ alg: SIGNING_ALG, kid: key.kid, typ: "JWT" })
    .setIssuer(env.publicUrl)
    .setAudience(instanceId)
    .setSubject(`${tenantId}:${userName}`)
    .setJti(randomBytes(16).toString("base64url"))
    .setIssuedAt(now)
    .setExpirationTime(now + env.auth.handoffTtlSeconds)
    .sign(key.privateKey);
}

/**
 * What a merchant's app does with the token, against our own JWKS: signature
 * (ES256 only), issuer, audience = this instance, expiry. Refusals throw
 * HandoffTokenError; anything else (the database is down) is rethrown as is.
 */
export async function verifyHandoffToken(token: string, { instanceId }: { instanceId: string }): Promise<HandoffTokenPayload> {
  if (typeof token !== "string" || token.length === 0 || token.length > MAX_TOKEN_LENGTH) throw new HandoffTokenError("ERR_HANDOFF_FORMAT");
  const jwks = createLocalJWKSet(await getPublishedJwks());
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, jwks, {
      issuer: getEnv().publicUrl,
      audience: instanceId,
      algorithms: [SIGNING_ALG],
      typ: "JWT",
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      requiredClaims: ["iss", "aud", "sub", "jti", "iat", "exp"],
    }));
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new HandoffTokenError(error.code);
    throw error;
  }
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success || parsed.data.sub !== `${parsed.data.tenant}:${parsed.data.userName}`) throw new HandoffTokenError("ERR_HANDOFF_CLAIMS");
  return parsed.data;
}

function paramName(part: string): string {
  const raw = part.split("=", 1)[0] ?? "";
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    return raw;
  }
}

/**
 * The front-end URL with `kg_token=<token>` added. The rest of the query and
 * the fragment are kept byte for byte (a URLSearchParams round trip would
 * re-encode them); a `kg_token` already there is replaced.
 */
export function handoffUrl(frontEndUrl: string, token: string): string {
  const url = frontEndUrl.trim();
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    throw new PortalError("bad_request", "The instance front-end URL is not an absolute URL");
  }
  if (protocol !== "https:" && protocol !== "http:") throw new PortalError("bad_request", "The instance front-end URL must be http or https");
  const hashAt = url.indexOf("#");
  const beforeHash = hashAt === -1 ? url : url.slice(0, hashAt);
  const fragment = hashAt === -1 ? "" : url.slice(hashAt);
  const queryAt = beforeHash.indexOf("?");
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? "" : beforeHash.slice(queryAt + 1);
  const kept = query.split("&").filter((part) => paramName(part) !== HANDOFF_QUERY_PARAM);
  if (kept.at(-1) === "") kept.pop();
  return `${base}?${[...kept, `${HANDOFF_QUERY_PARAM}=${encodeURIComponent(token)}`].join("&")}${fragment}`;
}
