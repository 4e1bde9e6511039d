// Serves KooGallery callbacks straight from node:http, ahead of Next.js's
// request pipeline (server.ts). Same handlers as the app/ route files
// (serve-callback.ts); only the HTTP adapter differs. Next.js spends ~1.6 ms of
// CPU on an empty POST on our 2-core machines, more than the whole callback (ADR 0004).
import type { IncomingMessage, ServerResponse } from "node:http";
import { answerInternalError } from "@/lib/callbacks/internal-error";
import { ENDPOINT_CATALOG } from "@/lib/callbacks/endpoint-catalog";
import { readNodeBody } from "@/lib/callbacks/read-request";
import { serveCallback, type CallbackRoute } from "@/lib/callbacks/serve-callback";
import { checkLargeBodyOffThread } from "@/lib/callbacks/verify-off-thread";
import { getEnv } from "@/lib/env";
import { clientAddressFrom } from "@/lib/http/client-address";

export { callbackRouteOf } from "@/lib/callbacks/serve-callback";

/**
 * A body left unread up to the largest any endpoint accepts is drained before
 * the answer is sent (read and dropped: no buffering, about a millisecond per
 * MiB). Answering first would race the client: a client that asked for
 * `Connection: close` gets its socket closed right after the answer, and
 * closing a socket with unread bytes sends a reset that can destroy the answer
 * before the client reads it. A larger or open-ended (chunked) one is not
 * worth reading: the answer says `Connection: close` and the socket is closed.
 */
const MAX_DRAINED_BYTES = Math.max(...ENDPOINT_CATALOG.map((e) => e.maxBodyBytes));

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.setHeader("content-length", Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(body);
}

export async function serveNodeCallback(req: IncomingMessage, res: ServerResponse, route: CallbackRoute): Promise<void> {
  try {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
    const head = {
      method: req.method ?? "GET",
      url: `http://${headers.host ?? "localhost"}${req.url ?? "/"}`,
      headers,
      clientAddress: clientAddressFrom(req.socket.remoteAddress, req.headers["x-forwarded-for"], getEnv().trustedProxyHops),
    };
    const { answer, isBodyUnread } = await serveCallback(route, head, (limit, rate) => readNodeBody(req, limit, rate), checkLargeBodyOffThread);
    const length = Number(headers["content-length"]);
    const isLargeUnread = isBodyUnread && !(Number.isFinite(length) && length <= MAX_DRAINED_BYTES);
    // Read and drop (keep 0 bytes); a client gone meanwhile gets the answer written to a closed socket.
    if (isBodyUnread && !isLargeUnread) await readNodeBody(req, 0).catch(() => undefined);
    send(res, answer.status, isLargeUnread ? { ...answer.headers, connection: "close" } : answer.headers, answer.body);
  } catch (error) {
    const fallback = answerInternalError(error, route.keyFamily);
    const headers: Record<string, string> = {};
    fallback.headers.forEach((v, k) => (headers[k] = v));
    send(res, 200, headers, await fallback.text());
  }
}
