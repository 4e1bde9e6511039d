// GET /api/sso/cas: the CAS 3.0 app login address (KooGallery entry and our own CAS sign-ins).
import type { NextRequest } from "next/server";
import { finishCasSignIn } from "@/lib/auth/finish-cas-sign-in";

export const dynamic = "force-dynamic";

export function GET(req: NextRequest): Promise<Response> {
  return finishCasSignIn(req);
}
