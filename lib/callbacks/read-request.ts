// Reads a callback's body, keeping at most the endpoint's limit (its
// maxBodyBytes in the endpoint catalog): a larger body is refused without
// being buffered whole.
import type { IncomingMessage } from "node:http";

/** Past this we stop draining and drop the connection: nobody legitimate sends it. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

/** A body read with a limit: its bytes when it fits (empty when not), and how many came either way. */
export type LimitedBody = { data: Buffer; isTooLarge: boolean; bytes: number };

const NOTHING = Buffer.alloc(0);

/**
 * Reads a body (a web stream or a node request: both are async iterables of
 * chunks) keeping at most `limitBytes`. Past the limit it keeps draining,
 * without keeping, so the client still reads our answer; past MAX_DRAIN_BYTES
 * it stops (leaving the loop cancels the stream).
 */
export async function readLimitedBody(chunks: AsyncIterable<Uint8Array>, limitBytes: number, bytesPerSecond?: number): Promise<LimitedBody> {
  const kept: Uint8Array[] = [];
  let size = 0;
  const started = performance.now();
  for await (const chunk of chunks) {
    size += chunk.byteLength;
    if (size <= limitBytes) kept.push(chunk);
    else if (size > MAX_DRAIN_BYTES) break;
    const ahead = bytesPerSecond ? started + (size / bytesPerSecond) * 1000 - performance.now() : 0;
    if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
  }
  const isTooLarge = size > limitBytes;
  return { data: isTooLarge ? NOTHING : Buffer.concat(kept), isTooLarge, bytes: size };
}

/**
 * The same for a node:http request, on its events rather than its async
 * iterator (which costs a promise and a queue per chunk; this runs on every
 * callback the node:http server in server.ts takes). With
 * `bytesPerSecond` (a client over its refusal budget: refusal-budget.ts) the
 * socket is paused whenever the body arrives faster: TCP then slows the sender.
 */
export function readNodeBody(req: IncomingMessage, limitBytes: number, bytesPerSecond?: number): Promise<LimitedBody> {
  return new Promise((resolve, reject) => {
    const kept: Buffer[] = [];
    let size = 0;
    const started = performance.now();
    let timer: NodeJS.Timeout | undefined;
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size <= limitBytes) kept.push(chunk);
      else if (size > MAX_DRAIN_BYTES) {
        cleanUp();
        req.destroy();
        resolve({ data: NOTHING, isTooLarge: true, bytes: size });
        return;
      }
      const ahead = bytesPerSecond ? started + (size / bytesPerSecond) * 1000 - performance.now() : 0;
      if (ahead > 0) {
        req.pause();
        timer = setTimeout(() => req.resume(), ahead);
      }
    };
    const onEnd = () => {
      cleanUp();
      const isTooLarge = size > limitBytes;
      resolve({ data: isTooLarge ? NOTHING : kept.length === 1 ? kept[0]! : Buffer.concat(kept), isTooLarge, bytes: size });
    };
    const onError = (error: Error) => {
      cleanUp();
      reject(error);
    };
    const cleanUp = () => {
      clearTimeout(timer);
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}
