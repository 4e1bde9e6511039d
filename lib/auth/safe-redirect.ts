// The open-redirect guard for every callback URL the portal follows: only
// paths on our own origin, never protocol-relative or backslash tricks.
export function safeCallbackPath(value: string | null | undefined, fallback = "/sso/continue"): string {
  if (!value) return fallback;
  let candidate = value.trim();
  try {
    // Absolute URLs are allowed only when they point at us; keep their path.
    if (/^[a-z][a-z0-9+.-]*:/i.test(candidate)) {
      const url = new URL(candidate);
      const own = new URL(process.env.NEXTAUTH_URL ?? "http://localhost");
      if (url.origin !== own.origin) return fallback;
      candidate = `${url.pathname}${url.search}${url.hash}`;
    }
  } catch {
    return fallback;
  }
  if (!candidate.startsWith("/") || candidate.startsWith("//") || candidate.includes("\\") || /[\u0000-\u001f]/.test(candidate)) return fallback;
  // Never bounce back into the auth machinery itself.
  if (candidate.startsWith("/api/auth")) return fallback;
  return candidate;
}

/** next-auth's redirect callback: the same rule, answered as an absolute URL on our origin. */
export function guardRedirect(url: string, baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  if (url.startsWith(origin + "/") || url === origin) {
    const u = new URL(url);
    return origin + safeCallbackPath(`${u.pathname}${u.search}${u.hash}`, "/sso/continue");
  }
  return origin + safeCallbackPath(url, "/sso/continue");
}
