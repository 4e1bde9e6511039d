// GET|POST /api/auth/*: next-auth (staff sign-in, KooGallery SSO, session, sign-out).
import type { NextRequest } from "next/server";
import { handleAuthRequest } from "@/lib/auth/handle-auth-request";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ nextauth: string[] }> };

export function GET(req: NextRequest, ctx: Context): Promise<Response> {
  return handleAuthRequest(req, ctx);
}

export function POST(req: NextRequest, ctx: Context): Promise<Response> {
  return handleAuthRequest(req, ctx);
}
