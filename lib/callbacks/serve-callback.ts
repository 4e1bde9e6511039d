// One way into the callback handlers for both HTTP adapters (node:http in
// scripts/serve.ts, the Next.js route files): which callback a path is, what
// its headers alone refuse (before the body is read), the body read with the
// endpoint's limit, then the endpoint's pipeline.
import { answerInternalError } from "@/lib/callbacks/internal-error";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import { handleKitCallback, kitEndpointOf, kitRouteOf } from "@/lib/callbacks/handle-kit-callback";
import { handleSaasCallback, SAAS_ENDPOINT } from "@/lib/callbacks/handle-saas-callback";
import { KIT_MAX_BODY_BYTES, MAX_BODY_BYTES, readLimitedBody, type LimitedBody } from "@/lib/callbacks/read-request";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { answerRefusal } from "@/lib/callbacks/refuse-call";
import { declaredBodyBytes, declaresBody, screenCall, type CallHead } from "@/lib/callbacks/screen-call";
import { refuse } from "@/lib/callbacks/verify-call";
import { getEnv } from "@/lib/env";
import { clientAddressOfHeaders } from "@/lib/http/client-address";
import { ResultCode } from "@/lib/koogallery/result-codes";

export type CallbackRoute = {
  endpoint: string;
  kind: "saas" | "kit";
  kitName?: string;
  generation: "V1" | "V2";
  maxBodyBytes: number;
  /** Which key signs the answers that never reach the handler (refusals, internal errors). */
  keyFamily: "basic" | "kit";
  handle(call: IncomingCall): Promise<CallbackAnswer>;
};

/** Which callback, if any, a request is for (the same paths as the app/ route files). */
export function callbackRouteOf(pathname: string, method: string): CallbackRoute | undefined {
  const path = pathname.replace(/\/+$/, "");
  if (path === "/api/koogallery/saas" && (method === "GET" || method === "POST")) {
    return { endpoint: SAAS_ENDPOINT, kind: "saas", generation: method === "GET" ? "V1" : "V2", maxBodyBytes: MAX_BODY_BYTES, keyFamily: "basic", handle: (call) => handleSaasCallback(call) };
  }
  const kit = method === "POST" ? kitRouteOf(path) : undefined;
  if (kit) {
    return { endpoint: kitEndpointOf(kit.kitName), kind: "kit", kitName: kit.kitName, generation: kit.generation, maxBodyBytes: KIT_MAX_BODY_BYTES, keyFamily: "kit", handle: (call) => handleKitCallback(call, kit) };
  }
  return undefined;
}

export type ServedCallback = {
  answer: CallbackAnswer;
  /** The call was answered from its headers and its body was never read: the adapter closes rather than drains a large one. */
  isBodyUnread: boolean;
};

export async function serveCallback(route: CallbackRoute, head: CallHead & { clientAddress: string }, readBody: (limitBytes: number) => Promise<LimitedBody>): Promise<ServedCallback> {
  const startedAt = performance.now();
  const env = getEnv();
  const signKey = route.keyFamily === "kit" ? env.kitAccessKey : env.accessKey;
  // One object from the screen to the pipeline: its URL is parsed once (call-parts.ts); the body is filled in once read.
  const call: IncomingCall = { method: head.method, url: head.url, headers: head.headers, rawBody: "", clientAddress: head.clientAddress };
  const refusal = screenCall(route, call, env);
  if (refusal) {
    call.bodyBytes = declaredBodyBytes(head.headers);
    const answer = await answerRefusal({ call, endpoint: route.endpoint, generation: route.generation, signKey, startedAt, refusal });
    return { answer, isBodyUnread: declaresBody(head.headers) };
  }
  const { body, isTooLarge, bytes } = await readBody(route.maxBodyBytes);
  call.rawBody = body;
  call.bodyBytes = bytes;
  if (isTooLarge) {
    const tooLarge = refuse("TOO_LARGE", ResultCode.INVALID_PARAMS, `request body is larger than ${route.maxBodyBytes} bytes`, { limitBytes: route.maxBodyBytes, bodyBytes: bytes });
    return { answer: await answerRefusal({ call, endpoint: route.endpoint, generation: route.generation, signKey, startedAt, refusal: tooLarge }), isBodyUnread: false };
  }
  return { answer: await route.handle(call), isBodyUnread: false };
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
    const { answer } = await serveCallback(route, head, (limit) => (req.body ? readLimitedBody(req.body as unknown as AsyncIterable<Uint8Array>, limit) : Promise.resolve({ body: "", isTooLarge: false, bytes: 0 })));
    return new Response(answer.body, { status: answer.status, headers: answer.headers });
  } catch (error) {
    return answerInternalError(error, route?.keyFamily);
  }
}
