/**
 * Next 16's proxy (formerly middleware): sends visitors without a session cookie to the login
 * page before any page renders, and gives every page response a Content-Security-Policy with a
 * fresh script nonce (lib/security/csp). The redirect is a convenience, not the security
 * boundary: it only looks for the cookie's presence; every page, server action and route handler
 * checks the session itself (lib/auth/current-actor, lib/http/api-handler), so skipping this file
 * — e.g. with a forged `x-middleware-subrequest` header (CVE-2025-29927) — grants nothing (and
 * a page served without the nonce policy still has next.config's frame-ancestors/object-src policy).
 *
 * API routes are not matched: they answer 401 JSON themselves instead of an HTML redirect.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie";
import { contentSecurityPolicy, createNonce, NONCE_HEADER } from "./lib/security/csp";

/** Must equal PATH_HEADER in lib/auth/current-actor.ts (not imported: that module loads the database). */
const PATH_HEADER = "x-waymark-path";
const CSP_HEADER = "Content-Security-Policy";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  const isLogin = pathname === "/login" || pathname.startsWith("/login/");
  // Server actions (POST) answer for themselves; redirecting them would turn a POST into a GET.
  const isPageRead = request.method === "GET" || request.method === "HEAD";
  if (!isLogin && isPageRead && !request.cookies.get(SESSION_COOKIE)?.value) {
    const login = new URL("/login", request.url);
    if (path !== "/") login.searchParams.set("next", path);
    return NextResponse.redirect(login);
  }
  const nonce = createNonce();
  const policy = contentSecurityPolicy(nonce);
  const headers = new Headers(request.headers);
  // Tell Server Components which page this is, so requireActor() can come back here after login.
  headers.set(PATH_HEADER, path);
  // Next reads the nonce for its own scripts from the request's CSP header.
  headers.set(NONCE_HEADER, nonce);
  headers.set(CSP_HEADER, policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set(CSP_HEADER, policy);
  return response;
}

export const config = {
  matcher: [
    // Everything except API routes, Next's assets and files with an extension (favicon.ico,
    // robots.txt, images in public/). Prefetches get no nonce policy of their own to keep.
    {
      source: "/((?!api/|_next/|.*\\.[A-Za-z0-9]+$).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
