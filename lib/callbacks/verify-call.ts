// Verification of production-interface calls before anything touches the
// database: V2 signature + 60 s window (the nonce is claimed in the handler's
// transaction), V1 authToken + a configurable window. Each failure carries the
// spec's result code and a reason for the log; answers never say more than
// "authentication failed" or which parameter is wrong.
import type { Env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
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

function refuse(outcome: VerificationOutcome, resultCode: string, resultMsg: string, info: Prisma.InputJsonObject, activity?: string): RefusedCall {
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

/** V2 basic (query signature/timestamp/nonce) and Kit (x-sign headers) share everything but where the material sits. */
export function verifyV2Call(call: IncomingCall, family: SignedFamily, keys: NamedKey[], nowMs = Date.now()): Verification {
  const url = urlOf(call);
  const h = call.headers;
  const signature = family === "basic" ? url.searchParams.get("signature") : (h["x-sign"] ?? null);
  const timestamp = family === "basic" ? url.searchParams.get("timestamp") : (h["x-timestamp"] ?? null);
  const nonce = family === "basic" ? url.searchParams.get("nonce") : (h["x-nonce"] ?? null);
  const body = bodyObjectOf(call);
  const activity = activityOf(body);

  if (!timestamp || !nonce) {
    return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "timestamp and nonce are required", { missing: [!timestamp && "timestamp", !nonce && "nonce"].filter(Boolean) as string[] }, activity);
  }
  if (nonce.length > 128) return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "nonce is too long", {}, activity);
  if (!signature) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["signature"] }, activity);
  const ts = checkTimestamp(timestamp, nowMs);
  if (!ts.ok) {
    return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, `timestamp is ${ts.reason === "missing" ? "missing" : ts.reason === "malformed" ? "malformed" : "outside the 60 s window"}`, { timestamp: ts.reason, ...(ts.skewMs !== undefined ? { skewMs: ts.skewMs } : {}) }, activity);
  }
  if (!body) return refuse("MALFORMED", ResultCode.INVALID_PARAMS, "body must be a JSON object", { skewMs: ts.skewMs }, activity);

  const verify = family === "basic" ? verifyBasicSignature : verifyKitSignature;
  for (const { name, key } of distinctKeys(keys)) {
    const result = verify({ accessKey: key, rawBody: call.rawBody, body, signature, timestamp, nonce });
    if (result.ok) {
      return { ok: true, payload: body, nonce: `${family}:${nonce}`, sentAt: new Date(ts.ms), info: { key: name, form: result.form, skewMs: ts.skewMs, nonce } };
    }
  }
  return refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", { keysTried: distinctKeys(keys).map((k) => k.name), skewMs: ts.skewMs, nonce }, activity);
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
        rawQuery.split("&").filter(Boolean).map((pair) => {
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

export function verifyV1Call(call: IncomingCall, key: string, maxSkewMs: number, nowMs = Date.now()): Verification {
  const variants = queryVariants(urlOf(call));
  const params = variants[0]!.params;
  const activity = params.activity?.slice(0, 64);
  const token = params.authToken;
  const timeStamp = params.timeStamp;
  if (!token) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["authToken"] }, activity);
  if (!timeStamp) return refuse("MISSING_CREDENTIALS", ResultCode.INVALID_PARAMS, "timeStamp is required", { missing: ["timeStamp"] }, activity);
  const at = parseV1Timestamp(timeStamp);
  if (!at) return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is malformed", { timeStamp: "malformed" }, activity);
  const skewMs = nowMs - at.getTime();
  if (Math.abs(skewMs) > maxSkewMs) {
    return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is outside the allowed window", { timeStamp: skewMs > 0 ? "stale" : "future", skewMs, windowMs: maxSkewMs }, activity);
  }
  const received = token.replace(/ /g, "+");
  for (const v of variants) {
    const { authToken: _omit, ...signed } = v.params;
    if (safeEqual(computeAuthToken(signed, key), received)) {
      return { ok: true, payload: v.params, nonce: v1ReplayKey("v1", timeStamp, received), sentAt: at, info: { key: "basic", decoding: v.decoding, skewMs } };
    }
  }
  return refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", { keysTried: ["basic"], skewMs }, activity);
}

/**
 * V1 Kit POST (SPEC §1.1, §4.7): header `authToken` over the top-level body
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
    return refuse("BAD_TIMESTAMP", ResultCode.INVALID_PARAMS, "timeStamp is outside the allowed window", { timeStamp: skewMs > 0 ? "stale" : "future", timeZone, skewMs, windowMs: maxSkewMs });
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
 * When KooGallery sent a stored call, read again from the call itself (for a
 * re-run, whose own time is now): the signed timestamp of its generation.
 */
export function sentAtOfStoredCall(call: IncomingCall, kind: "saas" | "kit", kitUtcOffsetMinutes: number): Date | undefined {
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
