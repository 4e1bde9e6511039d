// One way into the callback handlers for both HTTP adapters (node:http in
// server.ts, the Next.js route files): which callback a path is, what
// its headers alone refuse (before the body is read), the body read with the
// endpoint's limit, then the endpoint's pipeline.
import { answerInternalError } from "@/lib/callbacks/internal-error";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import {
  KIT_MAX_BODY_BYTES,
  kitEndpointName,
  kitNameOfEndpoint,
  resolveRoute,
  type Generation,
  type KeyFamily,
  type Protocol,
} from "@/lib/callbacks/endpoint-catalog";
import { handleCallback } from "@/lib/callbacks/endpoints";
import { readLimitedBody, type LimitedBody } from "@/lib/callbacks/read-request";
import { REFUSED_BODY_KEPT_CHARS, type IncomingCall } from "@/lib/callbacks/record-callback";
import { answerRefusal, isRestrictedClient, RESTRICTED_BYTES_PER_SECOND } from "@/lib/callbacks/refuse-call";
import { declaredBodyBytes, declaresBody, screenCall, type CallHead } from "@/lib/callbacks/screen-call";
import { checkLargeBody, type LargeBodyCheck, type LargeBodyVerdict } from "@/lib/callbacks/large-body-check";
import { kitKeys, refuse, v2BasicKeys, v2MaterialOf, type RefusedCall } from "@/lib/callbacks/verify-call";
import { CHEAP_FIRST_ABOVE_CHARS } from "@/lib/koogallery/canonical-json";
import { getEnv, type Env } from "@/lib/env";
import { clientAddressOfHeaders } from "@/lib/http/client-address";
import { ResultCode } from "@/lib/koogallery/result-codes";

export type CallbackRoute = {
  /** The log's endpoint name (a Kit name no endpoint serves is still logged under its own). */
  endpoint: string;
  kind: Protocol;
  kitName?: string;
  generation: Generation;
  maxBodyBytes: number;
  /** Which key signs the answers that never reach the handler (refusals, internal errors). */
  keyFamily: KeyFamily;
  handle(call: IncomingCall): Promise<CallbackAnswer>;
};

/** Which callback, if any, a request is for: the endpoint registry's routes (the app/ route files serve the same paths). */
export function callbackRouteOf(pathname: string, method: string): CallbackRoute | undefined {
  const resolved = resolveRoute(pathname, method);
  if (!resolved) return undefined;
  if ("unknownKit" in resolved) {
    // Refused by the screen (unknown Kit interface) before any handler runs.
    const { name, generation } = resolved.unknownKit;
    return {
      endpoint: kitEndpointName(name),
      kind: "kit",
      kitName: name,
      generation,
      maxBodyBytes: KIT_MAX_BODY_BYTES,
      keyFamily: "kit",
      handle: () => Promise.reject(new Error("an unknown Kit interface has no handler")),
    };
  }
  const { entry, route } = resolved;
  return {
    endpoint: entry.name,
    kind: entry.protocol,
    kitName: kitNameOfEndpoint(entry.name),
    generation: route.generation,
    maxBodyBytes: entry.maxBodyBytes,
    keyFamily: entry.keyFamily,
    handle: (call) => handleCallback(entry.name, route.generation, call),
  };
}

export type ServedCallback = {
  answer: CallbackAnswer;
  /** The call was answered from its headers and its body was never read: the adapter closes rather than drains a large one. */
  isBodyUnread: boolean;
};

/** How an adapter checks a large body's signature: on a worker thread (node:http, verify-off-thread.ts) or inline (Next.js bundles). */
export type LargeBodyChecker = (check: LargeBodyCheck) => Promise<LargeBodyVerdict>;

const checkInline: LargeBodyChecker = (check) => Promise.resolve(checkLargeBody(check));

export async function serveCallback(
  route: CallbackRoute,
  head: CallHead & { clientAddress: string },
  readBody: (limitBytes: number, bytesPerSecond?: number) => Promise<LimitedBody>,
  checkLarge: LargeBodyChecker = checkInline,
): Promise<ServedCallback> {
  const startedAt = performance.now();
  const env = getEnv();
  const signKey = route.keyFamily === "kit" ? env.kitAccessKey : env.accessKey;
  // One object from the screen to the pipeline: its URL is parsed once (call-parts.ts); the body is filled in once read.
  // Every property set from the start (one object shape for V8 on the hot path).
  const call: IncomingCall = {
    method: head.method,
    url: head.url,
    headers: head.headers,
    rawBody: "",
    clientAddress: head.clientAddress,
    bodyBytes: undefined,
    isRestricted: false,
    bodyPreview: undefined,
    decodedQuery: undefined,
  };
  const refusal = screenCall(route, call, env);
  if (refusal) {
    call.bodyBytes = declaredBodyBytes(head.headers);
    const answer = await answerRefusal({ call, endpoint: route.endpoint, generation: route.generation, signKey, startedAt, refusal });
    return { answer, isBodyUnread: declaresBody(head.headers) };
  }
  // A client over its refusal budget still has every call verified, but its large bodies are read slowly and checked against their raw bytes only.
  call.isRestricted = isRestrictedClient(head.clientAddress);
  const { data, isTooLarge, bytes } = await readBody(route.maxBodyBytes, call.isRestricted ? RESTRICTED_BYTES_PER_SECOND : undefined);
  call.bodyBytes = bytes;
  if (isTooLarge) {
    const tooLarge = refuse("TOO_LARGE", ResultCode.INVALID_PARAMS, `request body is larger than ${route.maxBodyBytes} bytes`, {
      limitBytes: route.maxBodyBytes,
      bodyBytes: bytes,
    });
    return {
      answer: await answerRefusal({ call, endpoint: route.endpoint, generation: route.generation, signKey, startedAt, refusal: tooLarge }),
      isBodyUnread: false,
    };
  }
  if (data.length > CHEAP_FIRST_ABOVE_CHARS) {
    const unsigned = await refuseUnsignedLargeBody(route, call, data, env, checkLarge);
    if (unsigned) {
      call.bodyPreview = { excerpt: data.subarray(0, REFUSED_BODY_KEPT_CHARS).toString("utf8"), sha256: unsigned.sha256 };
      return {
        answer: await answerRefusal({ call, endpoint: route.endpoint, generation: route.generation, signKey, startedAt, refusal: unsigned.refusal }),
        isBodyUnread: false,
      };
    }
  }
  call.rawBody = data.toString("utf8");
  return { answer: await route.handle(call), isBodyUnread: false };
}

/**
 * A large body's signature is checked first, on a worker thread when the
 * adapter has one (verify-off-thread.ts): when no key signed it, it is refused
 * here, never decoded or parsed on this thread.
 * The screen has already checked the signature material's presence and age.
 */
async function refuseUnsignedLargeBody(
  route: CallbackRoute,
  call: IncomingCall,
  data: Buffer,
  env: Env,
  checkLarge: LargeBodyChecker,
): Promise<{ refusal: RefusedCall; sha256: string } | undefined> {
  const h = call.headers;
  const keys = route.keyFamily === "kit" ? (route.generation === "V2" ? [{ name: "kit", key: env.kitAccessKey }] : kitKeys(env)) : v2BasicKeys(env);
  let check: LargeBodyCheck;
  if (route.generation === "V1") {
    if (route.kind !== "kit") return undefined;
    check = { kind: "v1-kit", keys, body: data, token: h.authtoken, isRawOnly: false };
  } else {
    const m = v2MaterialOf(call, route.kind === "kit" ? "kit" : "basic");
    check = {
      kind: route.kind === "kit" ? "v2-kit" : "v2-basic",
      keys,
      body: data,
      signature: m.signature ?? "",
      timestamp: m.timestamp ?? "",
      nonce: m.nonce ?? "",
      isRawOnly: call.isRestricted === true,
    };
  }
  const verdict = await checkLarge(check);
  if (verdict.keyName) return undefined;
  const refusal = refuse("BAD_SIGNATURE", ResultCode.AUTH_FAILED, "authentication failed", {
    keysTried: [...new Set(keys.map((k) => k.name))],
    checkedOffThread: true,
    ...(call.isRestricted ? { rawFormOnly: true } : {}),
  });
  return { refusal, sha256: verdict.sha256 };
}

/** The Next.js adapter: what the app/api/koogallery route files export. */
export async function serveNextCallback(req: Request): Promise<Response> {
  const route = callbackRouteOf(new URL(req.url).pathname, req.method);
  try {
    if (!route) return new Response(null, { status: 404 });
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k.toLowerCase()] = v;
    });
    const head = { method: req.method, url: req.url, headers, clientAddress: clientAddressOfHeaders(req.headers, getEnv().trustedProxyHops) };
    const { answer } = await serveCallback(route, head, (limit, rate) =>
      req.body
        ? readLimitedBody(req.body as unknown as AsyncIterable<Uint8Array>, limit, rate)
        : Promise.resolve({ data: Buffer.alloc(0), isTooLarge: false, bytes: 0 }),
    );
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  } catch (error) {
    return answerInternalError(error, route?.keyFamily);
  }
}
