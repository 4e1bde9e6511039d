// GET /sso/start?tenant=…: begin a buyer's KooGallery sign-in for a tenant (id or code).
import type { NextRequest } from "next/server";
import { startSso } from "@/lib/auth/start-sso";

export const dynamic = "force-dynamic";

export function GET(req: NextRequest): Promise<Response> {
  return startSso(req.nextUrl.searchParams.get("tenant"), req.nextUrl.searchParams.get("callbackUrl"));
}
