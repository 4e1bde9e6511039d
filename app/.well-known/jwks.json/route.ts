// GET /.well-known/jwks.json: the public keys merchants' apps verify SSO hand-off tokens with.
import { describeError } from "@/lib/errors";
import { getPublishedJwks } from "@/lib/sso/signing-keys";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  try {
    return Response.json(await getPublishedJwks(), { headers: { "Cache-Control": "public, max-age=300" } });
  } catch (error) {
    console.error(`[jwks] could not read the signing keys: ${describeError(error)}`);
    // Never let a cache keep an error in place of the keys.
    return Response.json({ error: "unavailable" }, { status: 503, headers: { "Cache-Control": "no-store" } });
  }
}
