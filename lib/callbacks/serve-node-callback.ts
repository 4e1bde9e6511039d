// Serves KooGallery callbacks straight from node:http, ahead of Next.js's
// request pipeline (scripts/serve.ts). Same handlers as the app/ route files;
// only the HTTP adapter differs. Next.js spends ~1.6 ms of CPU on an empty POST
// on our 2-core machines, more than the whole callback (ADR 0004).
import type { IncomingMessage, ServerResponse } from "node:http";
import type { CallbackAnswer } from "@/lib/callbacks/answer";
import { answerInternalError } from "@/lib/callbacks/internal-error";
import { handleKitCallback, kitEndpointOf, kitRouteOf, KIT_MAX_BODY_BYTES } from "@/lib/callbacks/handle-kit-callback";
import { handleSaasCallback, SAAS_ENDPOINT } from "@/lib/callbacks/handle-saas-callback";
import { MAX_BODY_BYTES, readNodeBody } from "@/lib/callbacks/read-request";
import type { IncomingCall } from "@/lib/callbacks/record-callback";
import { refuseOversizeCall } from "@/lib/callbacks/refuse-oversize";
import { getEnv } from "@/lib/env";

type CallbackRoute = {
  endpoint: string;
  generation: "V1" | "V2";
  maxBodyBytes: number;
  /** Which key signs the answers that never reach the handler (oversize, internal error). */
  keyFamily: "basic" | "kit";
  handle(call: IncomingCall): Promise<CallbackAnswer>;
};

/** Which callback, if any, a request is for (the same paths as the app/ route files). */
export function callbackRouteOf(pathname: string, method: string): CallbackRoute | undefined {
  const path = pathname.replace(/\/+$/, "");
  if (path === "/api/koogallery/saas" && (method === "GET" || method === "POST")) {
    return { endpoint: SAAS_ENDPOINT, generation: method === "GET" ? "V1" : "V2", maxBodyBytes: MAX_BODY_BYTES, keyFamily: "basic", handle: (call) => handleSaasCallback(call) };
  }
  const kit = method === "POST" ? kitRouteOf(path) : undefined;
  if (kit) {
    return { endpoint: kitEndpointOf(kit.kitName), generation: kit.generation, maxBodyBytes: KIT_MAX_BODY_BYTES, keyFamily: "kit", handle: (call) => handleKitCallback(call, kit) };
  }
  return undefined;
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.setHeader("content-length", Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

export async function serveNodeCallback(req: IncomingMessage, res: ServerResponse, route: CallbackRoute): Promise<void> {
  const startedAt = performance.now();
  try {
    const { body, isTooLarge } = await readNodeBody(req, route.maxBodyBytes);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const call: IncomingCall = { method: req.method ?? "GET", url: `http://${headers.host ?? "localhost"}${req.url ?? "/"}`, headers, rawBody: body };
    const env = getEnv();
    const answer = isTooLarge
      ? await refuseOversizeCall(call, route.endpoint, route.generation, route.keyFamily === "kit" ? env.kitAccessKey : env.accessKey, startedAt, route.maxBodyBytes)
      : await route.handle(call);
    send(res, answer.status, answer.headers, answer.body);
  } catch (error) {
    const fallback = answerInternalError(error, route.keyFamily);
    const headers: Record<string, string> = {};
    fallback.headers.forEach((v, k) => (headers[k] = v));
    send(res, 200, headers, await fallback.text());
  }
}
