// POST /api/koogallery/saas/produceAPI/v2/<kit>: KooGallery joint-operation Kit syncs, V2 (x-sign headers).
import { handleKitCallback, kitEndpointOf, KIT_MAX_BODY_BYTES } from "@/lib/callbacks/handle-kit-callback";
import { readIncomingCall } from "@/lib/callbacks/read-request";
import { refuseOversizeCall } from "@/lib/callbacks/refuse-oversize";
import { toResponse } from "@/lib/callbacks/answer";
import { answerInternalError } from "@/lib/callbacks/internal-error";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export async function POST(req: Request, { params }: { params: Promise<{ kit: string }> }): Promise<Response> {
  const startedAt = performance.now();
  try {
    const { kit } = await params;
    const { call, isTooLarge } = await readIncomingCall(req, KIT_MAX_BODY_BYTES);
    if (isTooLarge) return toResponse(await refuseOversizeCall(call, kitEndpointOf(kit), "V2", getEnv().kitAccessKey, startedAt, KIT_MAX_BODY_BYTES));
    return toResponse(await handleKitCallback(call, { generation: "V2", kitName: kit }));
  } catch (error) {
    return answerInternalError(error, "kit");
  }
}
