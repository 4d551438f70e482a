/**
 * Next 16's proxy (formerly middleware): sends visitors without a session cookie to the login
 * page before any page renders. It is a convenience, not the security boundary: it only looks for
 * the cookie's presence; every page, server action and route handler checks the session itself
 * (lib/auth/current-actor, lib/http/api-handler), so skipping this file — e.g. with a forged
 * `x-middleware-subrequest` header (CVE-2025-29927) — grants nothing.
 *
 * API routes are not matched: they answer 401 JSON themselves instead of an HTML redirect.
 */
import { NextResponse, type NextRequest } from "next/server";
import { SESSION_COOKIE } from "./lib/auth/cookie";

/** Must equal PATH_HEADER in lib/auth/current-actor.ts (not imported: that module loads the database). */
const PATH_HEADER = "x-waymark-path";

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const path = `${pathname}${search}`;
  // Server actions (POST) answer for themselves; redirecting them would turn a POST into a GET.
  const isPageRead = request.method === "GET" || request.method === "HEAD";
  if (isPageRead && !request.cookies.get(SESSION_COOKIE)?.value) {
    const login = new URL("/login", request.url);
    if (path !== "/") login.searchParams.set("next", path);
    return NextResponse.redirect(login);
  }
  // Tell Server Components which page this is, so requireActor() can come back here after login.
  const headers = new Headers(request.headers);
  headers.set(PATH_HEADER, path);
  return NextResponse.next({ request: { headers } });
}

export const config = {
  matcher: [
    // Everything except API routes, Next's assets, the login page and files with an extension
    // (favicon.ico, robots.txt, images in public/).
    "/((?!api/|_next/|login(?:/|$)|.*\\.[A-Za-z0-9]+$).*)",
  ],
};
