// GET|POST /api/koogallery/saas: KooGallery SaaS production callbacks (V1 GET, V2 POST).
import { serveNextCallback } from "@/lib/callbacks/serve-callback";

export const dynamic = "force-dynamic";

export const GET = serveNextCallback;
export const POST = serveNextCallback;
