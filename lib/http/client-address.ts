// Who is on the other end of a request, for rate limits and refusal budgets.
// Taken from the socket, or, behind `TRUSTED_PROXY_HOPS` reverse proxies, from
// the X-Forwarded-For entry the outermost trusted proxy added. Entries further
// left are whatever the client wrote and are never trusted (the same rule as
// Express's numeric "trust proxy").
//
// Next.js route handlers cannot see the socket, so the production server
// (server.ts) works the address out once and hands it on in
// CLIENT_ADDRESS_HEADER, overwriting anything a client sent under that name.
// Under `next start` there is no such server: Next.js keeps a client's own
// X-Forwarded-For, so addresses there are only as good as that header.

export const CLIENT_ADDRESS_HEADER = "x-kg-client-address";

/** An IPv6 address is at most 45 characters; anything longer is not an address we keep. */
const MAX_ADDRESS_LENGTH = 64;

function normalise(address: string): string {
  const trimmed = address.trim().slice(0, MAX_ADDRESS_LENGTH);
  // An IPv4 client on a dual-stack socket reads as ::ffff:1.2.3.4.
  return trimmed.startsWith("::ffff:") && trimmed.includes(".") ? trimmed.slice(7) : trimmed;
}

function forwardedEntries(forwardedFor: string | readonly string[] | undefined): string[] {
  if (forwardedFor === undefined) return [];
  const text = typeof forwardedFor === "string" ? forwardedFor : forwardedFor.join(",");
  return text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * The client's address: the socket's with no trusted proxy; with n trusted
 * hops, the n-th X-Forwarded-For entry from the right (each proxy appends the
 * address it was called from). With fewer entries than hops, the leftmost
 * one there is (the request came through fewer proxies than configured).
 */
export function clientAddressFrom(socketAddress: string | undefined, forwardedFor: string | readonly string[] | undefined, trustedHops: number): string {
  const chain = [socketAddress ?? "", ...forwardedEntries(forwardedFor).reverse()];
  const picked = chain[Math.min(Math.max(0, trustedHops), chain.length - 1)] ?? "";
  return normalise(picked) || "unknown";
}

/** The address server.ts handed on, or the best a plain Next.js server can do. */
export function clientAddressOfHeaders(headers: Headers | Record<string, unknown> | undefined, trustedHops: number): string {
  const get = (name: string): string | undefined => {
    if (!headers) return undefined;
    if (headers instanceof Headers) return headers.get(name) ?? undefined;
    const value = headers[name];
    return typeof value === "string" ? value : Array.isArray(value) ? value.join(",") : undefined;
  };
  const handedOn = get(CLIENT_ADDRESS_HEADER);
  if (handedOn) return normalise(handedOn);
  // `next start`: Next.js fills X-Forwarded-For with the socket address only when the client sent none.
  const entries = forwardedEntries(get("x-forwarded-for"));
  const socketGuess = entries.pop();
  return clientAddressFrom(socketGuess, entries, trustedHops);
}
