// Opaque keyset cursors for the portal lists: the sort key of the last row
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

/** A list filter's time (ISO-8601), absent when empty, or a 400 naming the parameter. */
export function parseTimeParam(name: string, value: string | null): Date | undefined {
  if (!value) return undefined;
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new PortalError("bad_request", `${name} must be an ISO-8601 time`);
  return at;
}

/** 1..max, default when absent. */
export function clampLimit(limit: number | undefined, fallback = 50, max = 200): number {
  if (limit === undefined || !Number.isFinite(limit)) return fallback;
  return Math.min(Math.max(1, Math.floor(limit)), max);
}

/** One page of a keyset-paged list: `nextCursor` is null on the last page. */
export type KeysetPage<T> = { items: T[]; nextCursor: string | null };

/** The page from `limit + 1` rows read in order: the first `limit`, and the cursor after the last when there were more. */
export function toKeysetPage<T>(rows: T[], limit: number, keyOf: (row: T) => string[]): KeysetPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(keyOf(last)) : null };
}
