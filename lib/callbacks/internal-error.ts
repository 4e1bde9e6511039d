// The last line of defence: whatever failed, KooGallery gets HTTP 200 JSON 000005
// (signed when the key can be read) and nothing about the failure.
import { buildAnswer, toResponse } from "@/lib/callbacks/answer";
import { getEnv } from "@/lib/env";
import { describeError } from "@/lib/errors";

export function answerInternalError(error: unknown, signWith: "basic" | "kit" = "basic"): Response {
  console.error(`[callbacks] unhandled: ${describeError(error)}`);
  const fields = { resultCode: "000005", resultMsg: "internal error, please retry" };
  try {
    const env = getEnv();
    return toResponse(buildAnswer(fields, signWith === "kit" ? env.kitAccessKey : env.accessKey));
  } catch {
    return new Response(JSON.stringify(fields), { status: 200, headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store" } });
  }
}
