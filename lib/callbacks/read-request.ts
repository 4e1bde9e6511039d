// Turns a Request into the IncomingCall the pipelines take, reading at most
// MAX_BODY_BYTES (or the caller's limit: the Kit's full org sync is larger):
// a larger body is refused without being buffered whole.
import type { IncomingMessage } from "node:http";
import type { IncomingCall } from "@/lib/callbacks/record-callback";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Kit syncs carry whole organisations: a 20,000-department allOrgSync is ~1.4 MiB. */
export const KIT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Past this we stop draining and drop the connection: nobody legitimate sends it. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export type ReadResult = { call: IncomingCall; isTooLarge: boolean };

/**
 * Reads a body (a web stream or a node request: both are async iterables of
 * chunks) keeping at most `limitBytes`. Past the limit it keeps draining,
 * without keeping, so the client still reads our answer; past MAX_DRAIN_BYTES
 * it stops (leaving the loop cancels the stream).
 */
export async function readLimitedBody(chunks: AsyncIterable<Uint8Array>, limitBytes: number): Promise<{ body: string; isTooLarge: boolean }> {
  const kept: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size <= limitBytes) kept.push(chunk);
    else if (size > MAX_DRAIN_BYTES) break;
  }
  const isTooLarge = size > limitBytes;
  return { body: isTooLarge ? "" : Buffer.concat(kept).toString("utf8"), isTooLarge };
}

/**
 * The same for a node:http request, on its events rather than its async
 * iterator (which costs a promise and a queue per chunk; this runs on every
 * callback the node:http server in scripts/serve.ts takes).
 */
export function readNodeBody(req: IncomingMessage, limitBytes: number): Promise<{ body: string; isTooLarge: boolean }> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limitBytes) kept.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        cleanUp();
        req.destroy();
        resolve({ body: "", isTooLarge: true });
      }
    };
    const onEnd = () => {
      cleanUp();
      const isTooLarge = size > limitBytes;
      resolve({ body: isTooLarge ? "" : kept.length === 1 ? kept[0]!.toString("utf8") : Buffer.concat(kept).toString("utf8"), isTooLarge });
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const cleanUp = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

export async function readIncomingCall(req: Request, limitBytes: number = MAX_BODY_BYTES): Promise<ReadResult> {
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  const { body, isTooLarge } = req.body ? await readLimitedBody(req.body as unknown as AsyncIterable<Uint8Array>, limitBytes) : { body: "", isTooLarge: false };
  return { call: { method: req.method, url: req.url, headers, rawBody: body }, isTooLarge };
}
