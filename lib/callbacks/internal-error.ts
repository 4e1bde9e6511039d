// The last line of defence: whatever failed, KooGallery gets HTTP 200 JSON 000005
// and nothing about the failure.
import { describeError } from "@/lib/errors";

export function answerInternalError(error: unknown): Response {
  console.error(`[callbacks] unhandled: ${describeError(error)}`);
  return new Response(JSON.stringify({ resultCode: "000005", resultMsg: "internal error, please retry" }), {
    status: 200,
    headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store" },
  });
}
