// One signed Kit call sent through the callback pipeline in-process, as
// KooGallery sends it (V2 or V1 signing), for tests on a real database. Import
// it after prepareInProcessDatabase, like the modules it calls.
import { handleCall } from "@/lib/callbacks/endpoints";
import { buildKitV1Request, buildKitV2Request } from "@/lib/koogallery/signer";
import type { KitName } from "@/lib/koogallery/schemas";

const BASE = "http://portal.test/api/koogallery/saas";

export type KitCall = { kitName: KitName; accessKey: string; body: Record<string, unknown>; generation?: "V1" | "V2" };

/** The parsed answer; `testFlag` defaults to 0. */
export async function sendKitCall({ kitName, accessKey, body, generation = "V2" }: KitCall): Promise<Record<string, unknown> & { resultCode: string }> {
  const signed = { baseUrl: BASE, kitName, accessKey, body: { testFlag: 0, ...body } };
  const req = generation === "V2" ? buildKitV2Request(signed) : buildKitV1Request(signed);
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v]));
  const answer = await handleCall({ method: "POST", url: req.url, headers, rawBody: req.body ?? "" });
  const parsed = JSON.parse(answer.body) as Record<string, unknown>;
  return { ...parsed, resultCode: String(parsed.resultCode) };
}
