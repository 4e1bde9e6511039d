// Verification of production-interface calls before anything touches the
// database: V2 signature + 60 s window (the nonce is claimed in the handler's
// transaction), V1 authToken + a configurable window. Each failure carries the
// spec's result code and a reason for the log; answers never say more than
// "authentication failed" or which parameter is wrong.
import type { Protocol } from "@/lib/callbacks/endpoint-catalog";
import type { Env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { CHEAP_FIRST_ABOVE_CHARS } from "@/lib/koogallery/canonical-json";
import { checkTimestamp, verifyBasicSignature, verifyKitSignature } from "@/lib/koogallery/signature-v2";
import { authTokenParamsFromBody, computeAuthToken, parseV1Timestamp } from "@/lib/koogallery/v1-auth-token";
import { safeEqual } from "@/lib/koogallery/constant-time";
import type { IncomingCall, VerificationOutcome } from "@/lib/callbacks/record-callback";
import { bodyObjectOf, urlOf } from "@/lib/callbacks/call-parts";

export type VerifiedCall = {
  ok: true;
  payload: Record<string, unknown>;
  info: Prisma.InputJsonObject;
  /** V2 and Kit: the nonce to claim (replays are refused in the transaction). */
  nonce?: string;
  /**
   * When KooGallery sent the call, by its own signed timestamp: verbs that
   * must not let an older call undo a newer one compare it (a re-run keeps
   * the stored call's time).
   */
  sentAt?: Date;
  /**
   * V1 GET: the query as the matching verification decoded it (`+` read as a
   * space or kept). Sealed with the call, so a re-run reads the very same values.
   */
  decodedQuery?: Record<string, string>;
};

export type RefusedCall = {
  ok: false;
  outcome: VerificationOutcome;
  resultCode: string;
  resultMsg: string;
  info: Prisma.InputJsonObject;
  /** The activity, if it could be read (for the log only: it is unverified). */
  activity?: string;
};

export type Verification = VerifiedCall | RefusedCall;

type NamedKey = { name: string; key: string };

export function refuse(outcome: VerificationOutcome, resultCode: string, resultMsg: string, info: Prisma.InputJsonObject, activity?: string): RefusedCall {
  return { ok: false, outcome, resultCode, resultMsg, info, activity };
}

function activityOf(body: Record<string, unknown> | undefined): string | undefined {
  return typeof body?.activity === "string" ? body.activity.slice(0, 64) : undefined;
}

/** Distinct keys, first name wins (the basic key is usually also the license key). */
function distinctKeys(keys: NamedKey[]): NamedKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => k.key && !seen.has(k.key) && seen.add(k.key));
}

type SignedFamily = "basic" | "kit";

/** Where a V2 call keeps its signature material: the query (basic interfaces) or the x-* headers (Kit). */
export function v2MaterialOf(
  call: Pick<IncomingCall, "url" | "headers">,
  family: SignedFamily,
): { signature: string | null; timestamp: string | null; nonce: string | null } {
  if (family === "kit") {
    const h = call.headers;
    return { signature: h["x-sign"] ?? null, timestamp: h["x-timestamp"] ?? null, nonce: h["x-nonce"] ?? null };
  }
  const q = urlOf(call as IncomingCall).searchParams;
  return { signature: q.get("signature"), timestamp: q.get("timestamp"), nonce: q.get("nonce") };
}

/**
 * What the signature material alone refuses: a missing part, an absurd nonce,
 * a timestamp outside the window. Needs no body, so it runs again before a
 * body is read (screen-call.ts) and costs a stranger nothing.
 */
export function checkV2Material(
  m: { signature: string | null; timestamp: string | null; nonce: string | null },
  nowMs: number,
  activity?: string,
): RefusedCall | { ok: true; signature: string; timestamp: string; nonce: string; ms: number; skewMs: number } {
  const { signature, timestamp, nonce } = m;
  if (!timestamp || !nonce) {
    return refuse(
      "MISSING_CREDENTIALS",
      ResultCode.INVALID_PARAMS,
      "timestamp and nonce are required",
      { missing: [!timestamp && "timestamp", !nonce && "nonce"].filter(Boolean) as string[] },
      activity,
    );
  }
  if (nonce.length > 128) return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "nonce is too long", {}, activity);
  if (!signature) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["signature"] }, activity);
  // A hex HMAC-SHA256 is 64 characters; anything much longer is not worth comparing.
  if (signature.length > 256) return refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", { signature: "too long" }, activity);
  const ts = checkTimestamp(timestamp, nowMs);
  if (!ts.ok) {
    return refuse(
      "BAD_TIMESTAMP",
      ResultCode.INVALID_PARAMS,
      `timestamp is ${ts.reason === "missing" ? "missing" : ts.reason === "malformed" ? "malformed" : "outside the 60 s window"}`,
      { timestamp: ts.reason, ...(ts.skewMs !== undefined ? { skewMs: ts.skewMs } : {}) },
      activity,
    );
  }
  return { ok: true, signature, timestamp, nonce, ms: ts.ms, skewMs: ts.skewMs };
}

/**
 * V2 basic (query signature/timestamp/nonce) and Kit (x-sign headers) share
 * everything but where the material sits. A large body is checked against its
 * raw form before it is parsed (canonical-json.ts): junk with fresh-looking
 * headers costs one HMAC, not a parse and a re-serialisation.
 */
export function verifyV2Call(call: IncomingCall, family: SignedFamily, keys: NamedKey[], nowMs = Date.now()): Verification {
  const isLarge = call.rawBody.length > CHEAP_FIRST_ABOVE_CHARS;
  // Only a small body is parsed for the log's activity before it is verified.
  const activity = isLarge ? undefined : activityOf(bodyObjectOf(call));
  const material = checkV2Material(v2MaterialOf(call, family), nowMs, activity);
  if (!material.ok) return material;
  const { signature, timestamp, nonce, skewMs } = material;
  if (!isLarge && !bodyObjectOf(call)) return refuse("MALFORMED", ResultCode.INVALID_PARAMS, "body must be a JSON object", { skewMs }, activity);

  const verify = family === "basic" ? verifyBasicSignature : verifyKitSignature;
  const body = () => bodyObjectOf(call);
  for (const { name, key } of distinctKeys(keys)) {
    const result = verify({ accessKey: key, rawBody: call.rawBody, body, signature, timestamp, nonce, isRawOnlyWhenLarge: call.isRestricted });
    if (!result.ok) continue;
    const payload = body();
    if (!payload) return refuse("MALFORMED", ResultCode.INVALID_PARAMS, "body must be a JSON object", { skewMs }, activity);
    return { ok: true, payload, nonce: `${family}:${nonce}`, sentAt: new Date(material.ms), info: { key: name, form: result.form, skewMs, nonce } };
  }
  return refuse(
    "BAD_SIGNATURE",
    ResultCode.AUTH_FAILED,
    "authentication failed",
    { keysTried: distinctKeys(keys).map((k) => k.name), skewMs, nonce },
    activity,
  );
}

/** Past this many parameters with spaces, only "all of them" is tried (2^n HMACs otherwise). */
const MAX_SPACED_PARAMS = 6;

/**
 * `+` in a query is a space to a form decoder but may be a literal `+` KooGallery left unencoded (its doc examples
 * do). Next.js hands route handlers a re-serialized URL (spaces as %20), so the raw query often no longer shows the
 * `+`: each parameter whose value has a space is also tried with its spaces read back as `+`.
 */
function queryVariants(url: URL): Array<{ decoding: string; params: Record<string, string> }> {
  const form = Object.fromEntries(url.searchParams.entries());
  const variants = [{ decoding: "form", params: form }];
  const spaced = Object.keys(form).filter((k) => k !== "authToken" && form[k]!.includes(" "));
  const masks = spaced.length <= MAX_SPACED_PARAMS ? Array.from({ length: 2 ** spaced.length - 1 }, (_, i) => i + 1) : [-1];
  for (const mask of masks) {
    const params = { ...form };
    spaced.forEach((k, i) => {
      if (mask === -1 || mask & (1 << i)) params[k] = form[k]!.replace(/ /g, "+");
    });
    variants.push({ decoding: "spaces-as-plus", params });
  }
  const rawQuery = url.search.slice(1);
  if (rawQuery.includes("+")) {
    try {
      const literal = Object.fromEntries(
        rawQuery
          .split("&")
          .filter(Boolean)
          .map((pair) => {
            const i = pair.indexOf("=");
            const k = i < 0 ? pair : pair.slice(0, i);
            const v = i < 0 ? "" : pair.slice(i + 1);
            return [decodeURIComponent(k), decodeURIComponent(v)];
          }),
      );
      variants.push({ decoding: "literal-plus", params: literal });
    } catch {
      // Malformed escapes: the form decoding is all there is.
    }
  }
  return variants;
}

/** What a V1 GET's query alone refuses (missing token or timeStamp, a timeStamp outside the window): no body needed. */
export function checkV1Query(
  params: Record<string, string>,
  maxSkewMs: number,
  nowMs: number,
): RefusedCall | { ok: true; token: string; timeStamp: string; at: Date; skewMs: number } {
  const activity = params.activity?.slice(0, 64);
  const token = params.authToken;
  const timeStamp = params.timeStamp;
  if (!token) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["authToken"] }, activity);
  if (!timeStamp) return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "timeStamp is required", { missing: ["timeStamp"] }, activity);
  const at = parseV1Timestamp(timeStamp);
  if (!at) return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is malformed", { timeStamp: "malformed" }, activity);
  const skewMs = nowMs - at.getTime();
  if (Math.abs(skewMs) > maxSkewMs) {
    return refuse(
      "BAD_TIMESTAMP",
      ResultCode.INVALID_PARAMS,
      "timeStamp is outside the allowed window",
      { timeStamp: skewMs > 0 ? "stale" : "future", skewMs, windowMs: maxSkewMs },
      activity,
    );
  }
  return { ok: true, token, timeStamp, at, skewMs };
}

export function verifyV1Call(call: IncomingCall, key: string, maxSkewMs: number, nowMs = Date.now()): Verification {
  const variants = queryVariants(urlOf(call));
  const params = variants[0]!.params;
  const activity = params.activity?.slice(0, 64);
  const checked = checkV1Query(params, maxSkewMs, nowMs);
  if (!checked.ok) return checked;
  const { token, timeStamp, at, skewMs } = checked;
  const received = token.replace(/ /g, "+");
  for (const v of variants) {
    const { authToken: _omit, ...signed } = v.params;
    if (safeEqual(computeAuthToken(signed, key), received)) {
      return {
        ok: true,
        payload: v.params,
        decodedQuery: v.params,
        nonce: v1ReplayKey("v1", timeStamp, received),
        sentAt: at,
        info: { key: "basic", decoding: v.decoding, skewMs },
      };
    }
  }
  return refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", { keysTried: ["basic"], skewMs }, activity);
}

/**
 * V1 Kit POST (protocol:signatures.md#v1-authtoken, protocol:kit-interface.md#v1-kit-differences): header `authToken` over the top-level body
 * fields, `timeStamp` a body field, read in one zone per deployment
 * (`KOOGALLERY_V1_KIT_TIME_ZONE`: UTC+8 as documented, or UTC). Reading it both
 * ways would let a captured call verify again eight hours later (ADR 0007).
 * V1 has no nonce: the token itself is the replay key (`nonce` below).
 */
export function verifyV1KitCall(call: IncomingCall, keys: NamedKey[], maxSkewMs: number, utcOffsetMinutes: number, nowMs = Date.now()): Verification {
  const body = bodyObjectOf(call);
  const token = call.headers.authtoken;
  if (!token) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["authToken"] });
  if (!body) return refuse("MALFORMED", ResultCode.INVALID_PARAMS, "body must be a JSON object", {});
  const timeStamp = body.timeStamp;
  if (typeof timeStamp !== "string" || timeStamp === "") {
    return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "timeStamp is required", { missing: ["timeStamp"] });
  }
  const at = parseV1Timestamp(timeStamp, utcOffsetMinutes);
  if (!at) return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is malformed", { timeStamp: "malformed" });
  const timeZone = zoneName(utcOffsetMinutes);
  const skewMs = nowMs - at.getTime();
  if (Math.abs(skewMs) > maxSkewMs) {
    return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is outside the allowed window", {
      timeStamp: skewMs > 0 ? "stale" : "future",
      timeZone,
      skewMs,
      windowMs: maxSkewMs,
    });
  }
  const params = authTokenParamsFromBody(body);
  for (const { name, key } of distinctKeys(keys)) {
    if (safeEqual(computeAuthToken(params, key), token)) {
      return { ok: true, payload: body, nonce: v1ReplayKey("v1kit", timeStamp, token), sentAt: at, info: { key: name, timeZone, skewMs } };
    }
  }
  return refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", { keysTried: distinctKeys(keys).map((k) => k.name), timeZone, skewMs });
}

function zoneName(utcOffsetMinutes: number): string {
  return utcOffsetMinutes === 0 ? "UTC" : `UTC${utcOffsetMinutes > 0 ? "+" : "-"}${Math.abs(utcOffsetMinutes) / 60}`;
}

/**
 * The replay key of a V1 call: V1 has no nonce, but a token is only valid with
 * its timeStamp, so the pair is unique per call KooGallery makes. Kept in the
 * Nonce table like V2 nonces (across app instances) for the V1 window.
 */
function v1ReplayKey(family: "v1" | "v1kit", timeStamp: string, token: string): string {
  return `${family}:${timeStamp}:${token.slice(0, 128)}`;
}

/**
 * A stored V1 GET's parameters decoded as its verification decoded them: the
 * decoding sealed with it, or (rows stored before that was kept) the variant
 * its token still verifies under, whatever its age; form decoding otherwise.
 */
export function decodeStoredV1Query(call: IncomingCall, key: string): Record<string, string> {
  if (call.decodedQuery) return call.decodedQuery;
  const variants = queryVariants(urlOf(call));
  const received = variants[0]!.params.authToken?.replace(/ /g, "+");
  if (received && variants[0]!.params.timeStamp) {
    for (const v of variants) {
      const { authToken: _omit, ...signed } = v.params;
      if (safeEqual(computeAuthToken(signed, key), received)) return v.params;
    }
  }
  return variants[0]!.params;
}

/**
 * When KooGallery sent a stored call, read again from the call itself (for a
 * re-run, whose own time is now): the signed timestamp of its generation.
 */
export function sentAtOfStoredCall(call: IncomingCall, kind: Protocol, kitUtcOffsetMinutes: number): Date | undefined {
  try {
    if (call.method === "GET") {
      const timeStamp = urlOf(call).searchParams.get("timeStamp");
      return (timeStamp && parseV1Timestamp(timeStamp)) || undefined;
    }
    if (kind === "kit" && call.headers.authtoken) {
      const timeStamp = bodyObjectOf(call)?.timeStamp;
      return (typeof timeStamp === "string" && parseV1Timestamp(timeStamp, kitUtcOffsetMinutes)) || undefined;
    }
    const ts = kind === "kit" ? call.headers["x-timestamp"] : urlOf(call).searchParams.get("timestamp");
    const checked = checkTimestamp(ts, 0, Number.POSITIVE_INFINITY);
    return checked.ok ? new Date(checked.ms) : undefined;
  } catch {
    return undefined;
  }
}

/** The Kit's own key first (联营SaaS同步接口), then the basic key (V1 has one "Key值"). */
export function kitKeys(env: Env): NamedKey[] {
  return [
    { name: "kit", key: env.kitAccessKey },
    { name: "basic", key: env.accessKey },
  ];
}

export function v2BasicKeys(env: Env): NamedKey[] {
  return [
    { name: "basic", key: env.accessKey },
    { name: "licenseCode", key: env.licenseCodeAccessKey },
  ];
}
