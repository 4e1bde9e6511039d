// POST /api/koogallery/saas/produceAPI/<kit>: KooGallery joint-operation Kit syncs, V1 (authToken header, Body-Sign answers).
import { kitRouteHandler } from "@/lib/callbacks/kit-route-handler";

export const dynamic = "force-dynamic";

export const POST = kitRouteHandler("V1");
