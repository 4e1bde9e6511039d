// POST /api/koogallery/saas/produceAPI/v2/<kit>: KooGallery joint-operation Kit syncs, V2 (x-sign headers).
import { serveNextCallback } from "@/lib/callbacks/serve-callback";

export const dynamic = "force-dynamic";

export const POST = serveNextCallback;
