// GET /sso/handoff?instance=…: hand a signed-in buyer to their instance's application with a short-lived signed token.
import type { NextRequest } from "next/server";
import { listBuyerInstances } from "@/lib/auth/buyer-instances";
import { getViewer } from "@/lib/auth/viewer";
import { redirectWithCookies } from "@/lib/auth/sso-cookies";
import { getEnv } from "@/lib/env";
import { handoffUrl, signHandoffToken } from "@/lib/sso/handoff-token";

export const dynamic = "force-dynamic";

export async function GET(req: NextRequest): Promise<Response> {
  const env = getEnv();
  const viewer = await getViewer();
  if (!viewer || viewer.kind !== "buyer") return redirectWithCookies(`${env.publicUrl}/login`);
  const wanted = req.nextUrl.searchParams.get("instance");
  const instance = (await listBuyerInstances(viewer)).find((i) => i.id === wanted && i.isUsable);
  // Only instances of the viewer's own enterprise: anything else is simply not found.
  if (!instance?.frontEndUrl) return redirectWithCookies(`${env.publicUrl}/sso/continue?missing=1`);
  const token = await signHandoffToken({
    userName: viewer.userName,
    name: viewer.name,
    role: viewer.role,
    tenantId: viewer.tenantId,
    orgCode: viewer.orgCode,
    instanceId: instance.id,
  });
  return redirectWithCookies(handoffUrl(instance.frontEndUrl, token));
}
