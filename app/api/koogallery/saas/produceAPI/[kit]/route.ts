// POST /api/koogallery/saas/produceAPI/<kit>: KooGallery joint-operation Kit syncs, V1 (authToken header).
import { serveNextCallback } from "@/lib/callbacks/serve-callback";

export const dynamic = "force-dynamic";

export const POST = serveNextCallback;
