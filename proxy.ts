// Redirects only: a request for a portal page without any session cookie goes
// to the sign-in page first. Access itself is checked by every page and API
// (lib/auth/viewer.ts); a cookie here proves nothing.
import { NextResponse, type NextRequest } from "next/server";

const SESSION_COOKIES = ["next-auth.session-token", "__Secure-next-auth.session-token"];

export function proxy(req: NextRequest) {
  const hasSession = SESSION_COOKIES.some((name) => req.cookies.has(name) || req.cookies.has(`${name}.0`));
  if (hasSession) return NextResponse.next();
  const login = new URL("/login", req.url);
  login.searchParams.set("callbackUrl", `${req.nextUrl.pathname}${req.nextUrl.search}`);
  return NextResponse.redirect(login);
}

export const config = { matcher: ["/portal/:path*"] };
