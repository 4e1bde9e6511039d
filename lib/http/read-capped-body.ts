// A request body read with a running limit: a declared Content-Length over it
// is refused before reading, and reading stops at the first chunk past it, so
// a large (or endless, chunked) body is never buffered whole. The callbacks'
// reader (lib/callbacks/read-request.ts) drains past its limit instead, so that
// KooGallery still reads a signed answer; the callers here are browsers and
// our own pages, which never send that much, so this one gives up at once.
import { PortalError } from "@/lib/errors";

export async function readCappedBody(req: Request, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > limitBytes) throw tooLarge(limitBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      // Tells the source to stop sending what nobody will read; the answer does not wait for it.
      reader.cancel().catch(() => undefined);
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number): PortalError {
  return new PortalError("payload_too_large", `request body too large: at most ${Math.floor(limitBytes / 1024)} KiB`);
}
