// Opaque keyset cursors for the tenant lists: the sort key of the last row
// returned, as base64url JSON. A cursor that does not decode is refused, not
// read as "from the start".
import { PortalError } from "@/lib/errors";

export function encodeCursor(values: readonly string[]): string {
  return Buffer.from(JSON.stringify(values), "utf8").toString("base64url");
}

export function decodeCursor(cursor: string, size: number): string[] {
  try {
    const values: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (Array.isArray(values) && values.length === size && values.every((v) => typeof v === "string")) return values as string[];
  } catch {
    // fall through
  }
  throw new PortalError("bad_request", "invalid cursor");
}

/** 1..max, default when absent. */
export function clampLimit(limit: number | undefined, fallback = 50, max = 200): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(1, Math.floor(limit)), max);
}
