// The Next.js route handler for the Kit syncs of one generation; the two
// app/ route files (…/produceAPI/v2/[kit] and …/produceAPI/[kit]) export it.
import { toResponse } from "@/lib/callbacks/answer";
import { handleKitCallback, kitEndpointOf } from "@/lib/callbacks/handle-kit-callback";
import { answerInternalError } from "@/lib/callbacks/internal-error";
import { KIT_MAX_BODY_BYTES, readIncomingCall } from "@/lib/callbacks/read-request";
import { refuseOversizeCall } from "@/lib/callbacks/refuse-oversize";
import { getEnv } from "@/lib/env";

export function kitRouteHandler(generation: "V1" | "V2") {
  return async function POST(req: Request, { params }: { params: Promise<{ kit: string }> }): Promise<Response> {
    const startedAt = performance.now();
    try {
      const { kit } = await params;
      const { call, isTooLarge } = await readIncomingCall(req, KIT_MAX_BODY_BYTES);
      if (isTooLarge) return toResponse(await refuseOversizeCall(call, kitEndpointOf(kit), generation, getEnv().kitAccessKey, startedAt, KIT_MAX_BODY_BYTES));
      return toResponse(await handleKitCallback(call, { generation, kitName: kit }));
    } catch (error) {
      return answerInternalError(error, "kit");
    }
  };
}
