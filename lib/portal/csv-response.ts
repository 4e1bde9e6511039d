// A CSV download from an async iterable of text chunks: streamed as the chunks
// come (a keyset batch each), a failure mid-way ends the stream with an error
// rather than a file that looks complete, and the file is named
// <name>-<UTC stamp>.csv.
import { describeError } from "@/lib/errors";

export async function csvResponse(chunksOf: Promise<AsyncIterable<string>>, name: string): Promise<Response> {
  // Awaited before the first byte, so a bad filter is a JSON 400, not a broken file.
  const chunks = (await chunksOf)[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        console.error(`[portal] ${name} export failed: ${describeError(error)}`);
        controller.error(new Error("export failed"));
      }
    },
    async cancel() {
      await chunks.return?.();
    },
  });
  const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "").replace("T", "-");
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}-${stamp}.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
}
