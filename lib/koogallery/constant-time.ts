import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

// Comparing HMACs of both sides (under a key an attacker never sees) gives equal-length
// buffers, so timingSafeEqual cannot throw and the length of the secret does not leak.
const comparisonKey = randomBytes(32);

function digestForComparison(value: string): Buffer {
  return createHmac("sha256", comparisonKey).update(value, "utf8").digest();
}

export function safeEqual(a: string, b: string): boolean {
  // Callers often pass values straight from untyped requests; a non-string is never equal.
  if (typeof a !== "string" || typeof b !== "string") return false;
  return timingSafeEqual(digestForComparison(a), digestForComparison(b));
}

/**
 * For hex signatures, which KooGallery compares with equalsIgnoreCase. A
 * signature's length is public (the digest's format), so equal lengths are
 * compared directly in constant time and unequal ones are simply unequal: two
 * HMACs fewer on every callback than `safeEqual`.
 */
export function safeEqualIgnoreCase(a: string, b: string): boolean {
  if (typeof a !== "string" || typeof b !== "string" || a.length !== b.length) return false;
  const x = Buffer.from(a.toLowerCase(), "utf8");
  const y = Buffer.from(b.toLowerCase(), "utf8");
  return x.length === y.length && timingSafeEqual(x, y);
}
