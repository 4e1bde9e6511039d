// GET|POST /api/koogallery/saas: KooGallery SaaS production callbacks (V1 GET, V2 POST).
import { handleSaasCallback, SAAS_ENDPOINT } from "@/lib/callbacks/handle-saas-callback";
import { readIncomingCall } from "@/lib/callbacks/read-request";
import { refuseOversizeCall } from "@/lib/callbacks/refuse-oversize";
import { toResponse } from "@/lib/callbacks/answer";
import { getEnv } from "@/lib/env";
import { answerInternalError } from "@/lib/callbacks/internal-error";

export const dynamic = "force-dynamic";

async function handle(req: Request): Promise<Response> {
  const startedAt = performance.now();
  try {
    const { call, isTooLarge } = await readIncomingCall(req);
    if (isTooLarge) return toResponse(await refuseOversizeCall(call, SAAS_ENDPOINT, req.method === "GET" ? "V1" : "V2", getEnv().accessKey, startedAt));
    return toResponse(await handleSaasCallback(call));
  } catch (error) {
    return answerInternalError(error);
  }
}

export const GET = handle;
export const POST = handle;
