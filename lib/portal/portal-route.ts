// One wrapper for every /api/portal route: a request that changes something
// must come from our own pages (below), then the viewer is checked (401 when
// signed out, 403 for ordinary buyers), PortalErrors become their status with a
// JSON message, anything else a generic 500 whose cause stays in the log. The
// handler runs as its viewer for the audit trail (withAuditActor, ADR 0012).
import type { NextRequest } from "next/server";
import { getTranslations } from "next-intl/server";
import { requirePortalViewer, type PortalViewer } from "@/lib/auth/viewer";
import { getEnv } from "@/lib/env";
import { describeError, PortalError } from "@/lib/errors";
import { auditActorOf, withAuditActor } from "@/lib/audit/record-audit";
import { clientAddressOfHeaders } from "@/lib/http/client-address";

export type PortalRouteContext<P> = { params: Promise<P> };

export function errorResponse(error: unknown, message?: string): Response {
  if (error instanceof PortalError)
    return Response.json(
      { error: { code: error.code, message: message ?? error.message } },
      { status: error.status, headers: { "cache-control": "no-store" } },
    );
  console.error(`[portal] ${describeError(error)}`);
  return Response.json({ error: { code: "internal", message: "internal error" } }, { status: 500, headers: { "cache-control": "no-store" } });
}

/**
 * Cross-site request forgery: SameSite=Lax cookies still ride requests from
 * other origins of the same site (a merchant's app on a sibling subdomain,
 * another port), and a `text/plain` fetch or form post needs no CORS
 * preflight. So a request that is not GET or HEAD must say it is JSON (which a
 * form cannot, and a cross-origin fetch cannot without a preflight we never
 * grant) and come from our own origin: its Origin header, or, from a browser
 * that sent none, Sec-Fetch-Site. Checked before the session or the body is read.
 */
export function checkSameOriginJson(req: Request, publicUrl: string): void {
  if (req.method === "GET" || req.method === "HEAD") return;
  const origin = req.headers.get("origin");
  const isOwnOrigin = origin !== null ? origin === new URL(publicUrl).origin : req.headers.get("sec-fetch-site") === "same-origin";
  if (!isOwnOrigin) throw new PortalError("forbidden", "cross-origin request refused: changes are accepted only from the portal's own pages");
  const mediaType = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (mediaType !== "application/json") throw new PortalError("unsupported_media_type", "send the request as Content-Type: application/json");
}

export function portalRoute<P = Record<string, never>>(handler: (args: { req: NextRequest; viewer: PortalViewer; params: P }) => Promise<unknown>) {
  return async (req: NextRequest, ctx: PortalRouteContext<P>): Promise<Response> => {
    try {
      checkSameOriginJson(req, getEnv().publicUrl);
      const viewer = await requirePortalViewer();
      const params = (await ctx.params) ?? ({} as P);
      // Every audit entry the handler records names this viewer and address (lib/audit/record-audit.ts).
      const who = { actor: auditActorOf(viewer), ip: clientAddressOfHeaders(req.headers, getEnv().trustedProxyHops) };
      const body = await withAuditActor(who, () => handler({ req, viewer, params }));
      if (body instanceof Response) return body;
      return Response.json(body, { headers: { "cache-control": "no-store" } });
    } catch (error) {
      return errorResponse(error, await wordsOf(error));
    }
  };
}

/** A refusal the catalogs word (PortalError.words), in the requester's language; otherwise its own (English) message. */
async function wordsOf(error: unknown): Promise<string | undefined> {
  if (!(error instanceof PortalError) || !error.words) return undefined;
  try {
    const t = await getTranslations("apiErrors");
    return t(error.words.key, error.words.values);
  } catch {
    return undefined;
  }
}

/** A query parameter as an integer within bounds, or a 400. */
export function intParam(req: NextRequest, name: string): number | undefined {
  const v = req.nextUrl.searchParams.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new PortalError("bad_request", `${name} must be an integer`);
  return n;
}

/** A query parameter limited to known values, or a 400. */
export function enumParam<T extends string>(req: NextRequest, name: string, allowed: readonly T[]): T | undefined {
  const v = req.nextUrl.searchParams.get(name);
  if (v === null || v === "") return undefined;
  if (!(allowed as readonly string[]).includes(v)) throw new PortalError("bad_request", `${name} must be one of ${allowed.join(", ")}`);
  return v as T;
}
