// A request body that counts how much of it was pulled: tests of size limits
// check that reading stopped near the limit instead of buffering everything.
import { NextRequest } from "next/server";

export type CountedStream = { stream: ReadableStream<Uint8Array>; pulledBytes: () => number };

export function countedStream(totalBytes: number, chunkBytes = 1024): CountedStream {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled >= totalBytes) return controller.close();
        const size = Math.min(chunkBytes, totalBytes - pulled);
        pulled += size;
        controller.enqueue(new Uint8Array(size).fill(0x20)); // spaces: JSON whitespace, as long as anyone cares to read
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulledBytes: () => pulled };
}

/** A POST whose body is the stream. undici wants `duplex` for a stream body; Next.js's RequestInit type does not list it. */
export function streamedPost(url: string, body: ReadableStream<Uint8Array>, headers: Record<string, string>): NextRequest {
  return new NextRequest(url, { method: "POST", headers, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]);
}
