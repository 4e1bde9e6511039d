// A portal request's JSON body, validated by a zod schema, or a 400 that says
// what is wrong; over 64 KiB a 413, found while reading (lib/http/read-capped-body.ts).
import type { NextRequest } from "next/server";
import type { z } from "zod";
import { formatZodIssues, PortalError } from "@/lib/errors";
import { readCappedBody } from "@/lib/http/read-capped-body";

export const MAX_PORTAL_BODY_BYTES = 64 * 1024;

export async function readJsonBody<S extends z.ZodType>(req: NextRequest, schema: S): Promise<z.infer<S>> {
  const text = (await readCappedBody(req, MAX_PORTAL_BODY_BYTES)).toString("utf8");
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new PortalError("bad_request", "request body must be JSON");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new PortalError("bad_request", formatZodIssues(parsed.error));
  return parsed.data;
}

/** A small JSON body that may be absent (undefined then), or a 400. */
export async function readOptionalJson(req: NextRequest): Promise<unknown> {
  const text = await req.text();
  if (Buffer.byteLength(text) > MAX_PORTAL_BODY_BYTES) throw new PortalError("bad_request", "request body too large");
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new PortalError("bad_request", "request body must be JSON");
  }
}
