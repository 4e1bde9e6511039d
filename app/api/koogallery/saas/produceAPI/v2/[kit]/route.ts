// POST /api/koogallery/saas/produceAPI/v2/<kit>: KooGallery joint-operation Kit syncs, V2 (x-sign headers).
import { kitRouteHandler } from "@/lib/callbacks/kit-route-handler";

export const dynamic = "force-dynamic";

export const POST = kitRouteHandler("V2");
