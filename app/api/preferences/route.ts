// POST /api/preferences {locale?, timeZone?}: remembers this browser's language and display time zone
// (cookies read by lib/i18n/request.ts). Open to everyone (the sign-in pages switch language too); same-origin JSON only.
import type { NextRequest } from "next/server";
import { z } from "zod";
import { getEnv } from "@/lib/env";
import { isLocale, isTimeZone, LOCALE_COOKIE, PREFERENCE_MAX_AGE_S, TIME_ZONE_COOKIE } from "@/lib/i18n/config";
import { checkSameOriginJson, errorResponse } from "@/lib/portal/portal-route";
import { readJsonBody } from "@/lib/portal/read-json-body";

export const dynamic = "force-dynamic";

const bodySchema = z.strictObject({
  locale: z.string().refine(isLocale, "must be zh-CN or en").optional(),
  timeZone: z.string().refine(isTimeZone, "must be an IANA time zone, e.g. Asia/Shanghai").optional(),
});

export async function POST(req: NextRequest): Promise<Response> {
  try {
    checkSameOriginJson(req, getEnv().publicUrl);
    const body = await readJsonBody(req, bodySchema);
    const res = Response.json({ ok: true, ...body }, { headers: { "cache-control": "no-store" } });
    const secure = getEnv().publicUrl.startsWith("https:") ? "; Secure" : "";
    // Both values are validated above and hold only cookie-safe characters (letters, "/", "_", "-", "+").
    const cookie = (name: string, value: string) => `${name}=${value}; Path=/; Max-Age=${PREFERENCE_MAX_AGE_S}; SameSite=Lax${secure}`;
    if (body.locale) res.headers.append("set-cookie", cookie(LOCALE_COOKIE, body.locale));
    if (body.timeZone) res.headers.append("set-cookie", cookie(TIME_ZONE_COOKIE, body.timeZone));
    return res;
  } catch (error) {
    return errorResponse(error);
  }
}
