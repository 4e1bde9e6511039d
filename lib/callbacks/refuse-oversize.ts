// A body over the limit is answered 000002 and logged without its content.
import { getDb } from "@/lib/db";
import type { Generation } from "@/lib/generated/prisma/client";
import { ResultCode } from "@/lib/koogallery/result-codes";
import { buildAnswer, type CallbackAnswer } from "@/lib/callbacks/answer";
import { MAX_BODY_BYTES } from "@/lib/callbacks/read-request";
import { recordCallback, type IncomingCall } from "@/lib/callbacks/record-callback";

export async function refuseOversizeCall(call: IncomingCall, endpoint: string, generation: Generation, signKey: string, startedAt: number, limitBytes: number = MAX_BODY_BYTES): Promise<CallbackAnswer> {
  const answer = buildAnswer({ resultCode: ResultCode.INVALID_PARAMS, resultMsg: `request body is larger than ${limitBytes} bytes` }, signKey);
  await recordCallback(await getDb(), {
    endpoint,
    generation,
    call: { ...call, rawBody: "" },
    verification: "TOO_LARGE",
    resultCode: ResultCode.INVALID_PARAMS,
    resultMsg: "request body too large",
    responseBody: answer.body,
    startedAt,
  }).catch(() => undefined);
  return answer;
}
