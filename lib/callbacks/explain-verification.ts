// The signature check of one logged call, spelled out for people: which key
// matched (its name only), the timestamp skew, the nonce, which canonical form
// of the payload matched, or why the call was refused. Built from a whitelist
// of verificationInfo fields (lib/callbacks/verify-call.ts), so nothing else
// the row may hold is ever shown, and a key is only ever named, never printed.
import { protocolOfEndpointName } from "@/lib/callbacks/endpoint-catalog";
import type { Generation } from "@/lib/generated/prisma/client";
import type { LogReader } from "@/lib/callbacks/callback-log-scope";

export type SignatureCheck = {
  outcome: string;
  isVerified: boolean;
  /** One sentence for people. */
  summary: string;
  /** How this interface is signed, with the section of docs/protocol that says so. */
  scheme: string;
  /** The name of the key that matched ("basic", "kit", "licenseCode"), never its value. */
  keyName: string | null;
  keyLabel: string | null;
  keysTried: string[];
  /** Which payload the signature was computed over (V2 and Kit V2), or how the V1 query was decoded. */
  canonicalForm: string | null;
  canonicalFormLabel: string | null;
  /** Receipt time minus the call's timestamp; positive = the call was this old. */
  skewSeconds: number | null;
  /** V1 Kit: the skew under each reading of its timestamp (UTC+8 documented, UTC accepted). */
  skewByTimeZone: { timeZone: string; skewSeconds: number }[];
  timeZone: string | null;
  windowSeconds: number | null;
  nonce: string | null;
  /** Why the call was refused, for people (null when verified). */
  failure: string | null;
  missing: string[];
  /** For a staff re-run: the call whose stored request was re-run. */
  retryOfId: string | null;
  /** For a staff re-run: who ran it ("merchant staff" for tenant admins). */
  retryActor: string | null;
  /** A call that had succeeded, applied again on purpose (ADR 0006). */
  isReapply: boolean;
  /** Why it was applied again, as the operator wrote it (staff only). */
  reapplyReason: string | null;
};

const KEY_LABELS: Record<string, string> = {
  basic: "the basic interfaces key (KOOGALLERY_ACCESS_KEY)",
  kit: "the Kit key (KOOGALLERY_KIT_ACCESS_KEY)",
  licenseCode: "the License-code key (KOOGALLERY_LICENSE_CODE_ACCESS_KEY)",
};

const FORM_LABELS: Record<string, string> = {
  "top-sorted": "the canonical payload: top-level keys sorted, compact, Jackson-style escaping (protocol:signatures.md#v2-basic-signature)",
  raw: "the raw body bytes as received",
  "deep-sorted": "the payload with keys sorted at every level",
  "top-sorted-java-numbers": "the canonical payload with numbers written the way Java prints them",
  form: "the query decoded as a form (+ read as a space)",
  "spaces-as-plus": "the query with spaces read back as literal + signs",
  "literal-plus": "the raw query with + kept literal",
};

const MISSING_LABELS: Record<string, string> = {
  signature: "signature",
  timestamp: "timestamp",
  nonce: "nonce",
  authToken: "authToken",
  timeStamp: "timeStamp",
};

/** V2 and Kit V2 accept calls at most 60 s from now (protocol:signatures.md#freshness-and-replay). */
const V2_WINDOW_SECONDS = 60;

const seconds = (ms: number) => Math.round(ms / 100) / 10;

function num(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function knownName(v: unknown, names: Record<string, string>): string | null {
  return typeof v === "string" && Object.hasOwn(names, v) ? v : null;
}

function schemeOf(endpoint: string, generation: Generation): string {
  const isKit = protocolOfEndpointName(endpoint) === "kit";
  if (isKit)
    return generation === "V2"
      ? "Kit V2: x-sign over key + nonce + timestamp + payload (protocol:signatures.md#kit-x-sign)"
      : "Kit V1: authToken header over the body fields (protocol:signatures.md#v1-authtoken, protocol:kit-interface.md#v1-kit-differences)";
  return generation === "V2"
    ? "V2: signature over the payload's HMAC, nonce and timestamp in the query (protocol:signatures.md#v2-basic-signature)"
    : "V1: authToken over the query parameters (protocol:signatures.md#v1-authtoken)";
}

function describeSkew(skewSeconds: number): string {
  if (skewSeconds >= 0) return `${skewSeconds} s old`;
  return `${-skewSeconds} s in the future`;
}

export function explainVerification(input: {
  verification: string;
  verificationInfo: unknown;
  endpoint: string;
  generation: Generation;
  retryOfId?: string | null;
  reader?: LogReader;
}): SignatureCheck {
  const info =
    input.verificationInfo && typeof input.verificationInfo === "object" && !Array.isArray(input.verificationInfo)
      ? (input.verificationInfo as Record<string, unknown>)
      : {};
  const keyName = knownName(info.key, KEY_LABELS);
  const form = knownName(info.form, FORM_LABELS) ?? knownName(info.decoding, FORM_LABELS);
  const skewMs = num(info.skewMs);
  const skewByTimeZone =
    info.skewMs && typeof info.skewMs === "object"
      ? Object.entries(info.skewMs as Record<string, unknown>)
          .filter(([tz, v]) => (tz === "UTC" || tz === "UTC+8") && num(v) !== null)
          .map(([timeZone, v]) => ({ timeZone, skewSeconds: seconds(v as number) }))
      : [];
  const windowMs = num(info.windowMs);
  const isV2 = input.generation === "V2";
  const windowSeconds = windowMs !== null ? seconds(windowMs) : isV2 ? V2_WINDOW_SECONDS : null;
  const nonce = typeof info.nonce === "string" ? info.nonce.slice(0, 128) : null;
  const keysTried = Array.isArray(info.keysTried) ? info.keysTried.filter((k): k is string => knownName(k, KEY_LABELS) !== null) : [];
  const missing = Array.isArray(info.missing) ? info.missing.filter((m): m is string => knownName(m, MISSING_LABELS) !== null) : [];
  const timeZone = info.timeZone === "UTC" || info.timeZone === "UTC+8" ? info.timeZone : null;
  const skewSeconds = skewMs !== null ? seconds(skewMs) : null;
  const base: SignatureCheck = {
    outcome: input.verification,
    isVerified: input.verification === "OK" || input.verification === "RETRY",
    summary: "",
    scheme: schemeOf(input.endpoint, input.generation),
    keyName,
    keyLabel: keyName ? KEY_LABELS[keyName]! : null,
    keysTried,
    canonicalForm: form,
    canonicalFormLabel: form ? FORM_LABELS[form]! : null,
    skewSeconds,
    skewByTimeZone,
    timeZone,
    windowSeconds,
    nonce,
    failure: null,
    missing,
    retryOfId: input.verification === "RETRY" ? (input.retryOfId ?? null) : null,
    retryActor: null,
    isReapply: false,
    reapplyReason: null,
  };
  const skewText = skewSeconds !== null ? `; the call was ${describeSkew(skewSeconds)}` : "";

  switch (input.verification) {
    case "OK":
      return { ...base, summary: `Verified with ${base.keyLabel ?? "a configured key"}${form ? ` over ${FORM_LABELS[form]}` : ""}${skewText}.` };
    case "RETRY": {
      const isTenantAdmin = input.reader === "tenantAdmin";
      const actor = typeof info.actor === "string" ? (isTenantAdmin && info.actor.startsWith("staff:") ? "merchant staff" : info.actor.slice(0, 320)) : null;
      const isReapply = info.reapply === true;
      const reapplyReason = isReapply && !isTenantAdmin && typeof info.reason === "string" ? info.reason.slice(0, 500) : null;
      const summary = isReapply
        ? `A call that had succeeded, applied again on purpose${actor ? ` by ${actor}` : ""}${reapplyReason ? `: "${reapplyReason}"` : ""}. ` +
          "It was verified when it first arrived; its signature has expired since, so it is not checked again."
        : "A staff re-run of a stored call that was verified when it first arrived; its signature has expired since, so it is not checked again.";
      return { ...base, summary, retryActor: actor, isReapply, reapplyReason };
    }
    case "MISSING_CREDENTIALS": {
      const failure =
        missing.length > 0
          ? `The call did not carry ${missing.join(", ")}.`
          : "The call's signature material was missing or malformed (e.g. an over-long nonce).";
      return { ...base, summary: "Refused before any signature was computed.", failure };
    }
    case "BAD_TIMESTAMP": {
      const reason = typeof info.timestamp === "string" ? info.timestamp : typeof info.timeStamp === "string" ? info.timeStamp : "outside";
      const failure =
        reason === "malformed"
          ? "The timestamp could not be read (V2 wants epoch milliseconds or seconds, V1 yyyyMMddHHmmssSSS)."
          : reason === "missing"
            ? "The call had no timestamp."
            : skewByTimeZone.length > 0
              ? `The timeStamp was outside the ${windowSeconds ?? "?"} s window under every reading: ` +
                `${skewByTimeZone.map((s) => `${s.timeZone} ${describeSkew(s.skewSeconds)}`).join(", ")}.`
              : `The call was ${skewSeconds !== null ? describeSkew(skewSeconds) : reason}, ` +
                `outside the ${windowSeconds ?? "?"} s window (a replay, or a clock that is off).`;
      return { ...base, summary: "Refused: the timestamp is outside the allowed window.", failure };
    }
    case "BAD_SIGNATURE": {
      if (typeof info.reason === "string")
        return {
          ...base,
          summary: `Refused: ${info.reason}.`,
          failure: "The seller center binds one key to each interface type; this call's key belongs to another one.",
        };
      const tried = keysTried.map((k) => KEY_LABELS[k]!).join(" and ");
      const failure =
        `No configured key reproduces the signature${tried ? ` (tried ${tried})` : ""}${isV2 ? ", over any accepted form of the payload" : ""}. ` +
        "The seller center may have another key bound to this address, or the request was changed on the way.";
      return { ...base, summary: `Refused: the signature does not match${skewText}.`, failure };
    }
    case "REPLAYED_NONCE":
      return {
        ...base,
        summary: `The signature was valid (${base.keyLabel ?? "a configured key"}), but the nonce had been used before.`,
        failure: `Nonce ${nonce ?? "?"} was already claimed by an earlier call: a replay of a captured request, or the same signed request sent twice.`,
      };
    case "MALFORMED":
      return {
        ...base,
        summary: "Refused: the request could not be read.",
        failure:
          typeof info.reason === "string"
            ? info.reason
            : typeof info.kitName === "string"
              ? "The path names no known Kit interface."
              : "The body is not a JSON object.",
      };
    case "TOO_LARGE":
      return {
        ...base,
        summary: "Refused: the body is over the size limit and was not read.",
        failure: "The body was larger than the endpoint accepts; nothing of it was stored.",
      };
    case "COUNTED": {
      const count = typeof info.count === "number" ? info.count : 0;
      const client = typeof info.client === "string" ? info.client : "one client";
      return {
        ...base,
        summary: `${count} refused call${count === 1 ? "" : "s"} from ${client}, counted rather than stored one by one.`,
        failure:
          "This address was refused more often than the refusal budget logs in full (CALLBACK_REFUSALS_LOGGED_PER_MINUTE); " +
          "the outcomes and result codes of the calls it stands for are listed below. " +
          "After a key change in the seller center, KooGallery's own calls land here until the keys agree again.",
      };
    }
    default:
      return { ...base, summary: `Outcome ${input.verification}.` };
  }
}
