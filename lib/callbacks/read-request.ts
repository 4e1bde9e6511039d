// Turns a Request into the IncomingCall the pipelines take, reading at most
// MAX_BODY_BYTES (or the caller's limit: the Kit's full org sync is larger):
// a larger body is refused without being buffered whole.
import type { IncomingCall } from "@/lib/callbacks/record-callback";

export const MAX_BODY_BYTES = 1024 * 1024;
/** Kit syncs carry whole organisations: a 20,000-department allOrgSync is ~1.4 MiB. */
export const KIT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Past this we stop draining and drop the connection: nobody legitimate sends it. */
const MAX_DRAIN_BYTES = 64 * 1024 * 1024;

export type ReadResult = { call: IncomingCall; isTooLarge: boolean };

export async function readIncomingCall(req: Request, limitBytes: number = MAX_BODY_BYTES): Promise<ReadResult> {
  const headers: Record<string, string> = {};
  req.headers.forEach((v, k) => {
    headers[k.toLowerCase()] = v;
  });
  let rawBody = "";
  let isTooLarge = false;
  if (req.body) {
    const reader = req.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      // Keep draining (without keeping) so the client still reads our answer.
      if (size > limitBytes) {
        isTooLarge = true;
        chunks.length = 0;
        if (size > MAX_DRAIN_BYTES) {
          await reader.cancel().catch(() => undefined);
          break;
        }
        continue;
      }
      chunks.push(value);
    }
    if (!isTooLarge) rawBody = Buffer.concat(chunks).toString("utf8");
  }
  return { call: { method: req.method, url: req.url, headers, rawBody }, isTooLarge };
}
