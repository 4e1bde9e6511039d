// What a callback's path and headers alone refuse, before a byte of its body
// is read: an unknown Kit interface, missing or stale signature material, a
// V1 GET that carries a body. Such a call is answered (HTTP 200 JSON with the
// documented code, as every callback is) and its body is never buffered, so a
// stranger's 15 MiB junk costs nothing but the headers (ADR 0007).
import type { Generation, Protocol } from "@/lib/callbacks/endpoint-catalog";
import type { Env } from "@/lib/env";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { isKitName } from "@/lib/koogallery/schemas";
import { urlOf } from "@/lib/callbacks/call-parts";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { checkV1Query, checkV2Material, refuse, v2MaterialOf, type RefusedCall } from "@/lib/callbacks/verify-call";

/** A request before its body: what the adapters (node:http, Next.js) can tell at once. */
export type CallHead = { method: string; url: string; headers: Record<string, string> };

export type ScreenedRoute = { kind: Protocol; generation: Generation; kitName?: string };

/** Whether the request says it has a body (a length above zero, or chunks to come). */
export function declaresBody(headers: Record<string, string>): boolean {
  const length = headers["content-length"];
  if (length !== undefined && length.trim() !== "" && Number(length) > 0) return true;
  return headers["transfer-encoding"] !== undefined;
}

/** The declared body size, when the request gives one (for the log of a body never read). */
export function declaredBodyBytes(headers: Record<string, string>): number | undefined {
  const n = Number(headers["content-length"]);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

export function screenCall(route: ScreenedRoute, head: CallHead, env: Pick<Env, "v1MaxSkewMs">, nowMs = Date.now()): RefusedCall | undefined {
  if (route.kind === "kit") {
    // The path is not signed: an unknown one is refused before anything else.
    if (!isKitName(route.kitName)) {
      return refuse(
        "MALFORMED",
        ResultCode.INVALID_PARAMS,
        "unknown Kit interface",
        { kitName: (route.kitName ?? "").slice(0, 64), reason: "The path names no known Kit interface." },
        route.kitName?.slice(0, 64),
      );
    }
    if (route.generation === "V2") return refusalOf(checkV2Material(v2MaterialOf(head, "kit"), nowMs));
    // V1 Kit: the token is a header, its timeStamp a body field (checked once the body is read).
    if (!head.headers.authtoken) return refuse("MISSING_CREDENTIALS", ResultCode.AUTH_FAILED, "authentication failed", { missing: ["authToken"] });
    return undefined;
  }
  if (route.generation === "V2") return refusalOf(checkV2Material(v2MaterialOf(head, "basic"), nowMs));
  let params: Record<string, string>;
  try {
    params = Object.fromEntries(urlOf(head as IncomingCall).searchParams);
  } catch {
    return refuse("MALFORMED", ResultCode.INVALID_PARAMS, "the request URL cannot be read", { reason: "The request URL could not be parsed." });
  }
  const activity = params.activity?.slice(0, 64);
  if (declaresBody(head.headers)) {
    return refuse(
      "MALFORMED",
      ResultCode.INVALID_PARAMS,
      "a V1 call is a GET without a body",
      { reason: "A V1 call is a GET with its parameters in the query; this one carried a body." },
      activity,
    );
  }
  return refusalOf(checkV1Query(params, env.v1MaxSkewMs, nowMs));
}

function refusalOf(check: RefusedCall | { ok: true }): RefusedCall | undefined {
  return check.ok ? undefined : check;
}
