/** Facts about an incoming request: its id, the client's IP, and whether its Origin is ours. */
import { randomUUID } from "node:crypto";
import { AppError } from "../errors/app-error";

const INCOMING_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Keeps a well-formed `X-Request-Id` from a reverse proxy (so logs line up), else a new UUID. */
export function requestIdFor(headers: Headers): string {
  const incoming = headers.get("x-request-id");
  return incoming && INCOMING_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

/**
 * The client IP: the right-most X-Forwarded-For entry (the one the nearest proxy appended; Next's
 * own server sets the header to the socket address when it is absent), else X-Real-IP.
 */
export function clientIpFor(headers: Headers): string | null {
  const forwarded = headers.get("x-forwarded-for");
  const last = forwarded?.split(",").map((part) => part.trim()).filter(Boolean).pop();
  const ip = last ?? headers.get("x-real-ip")?.trim();
  return ip ? ip.slice(0, 100) : null;
}

function hostOf(value: string): string | null {
  try {
    return new URL(value).host.toLowerCase();
  } catch {
    return null;
  }
}

/**
 * Refuses a cookie-authenticated state change that a browser sent from another site (CSRF):
 * the Origin must be present, not "null" (sandboxed frames, file: pages), and name this host
 * (Host / X-Forwarded-Host, as Next's Server Actions check) or WAYMARK_PUBLIC_URL.
 */
export function assertSameOrigin(request: Request, publicUrl?: string): void {
  const origin = request.headers.get("origin");
  const refuse = (why: string) =>
    new AppError("forbidden", 403, `${why} Sign in from the console's own page${publicUrl ? ` (${publicUrl})` : ""}.`);
  if (origin === null) throw refuse("This request has no Origin header, so it cannot be told apart from a cross-site request.");
  if (origin === "null") throw refuse('Requests with "Origin: null" are refused.');
  const originHost = hostOf(origin);
  const allowed = new Set<string>();
  const forwardedHost = request.headers.get("x-forwarded-host")?.split(",")[0]?.trim();
  const host = forwardedHost || request.headers.get("host");
  if (host) allowed.add(host.toLowerCase());
  const publicHost = publicUrl ? hostOf(publicUrl) : null;
  if (publicHost) allowed.add(publicHost);
  if (!originHost || !allowed.has(originHost)) {
    throw refuse(`Requests from "${origin.slice(0, 200)}" are refused (cross-site).`);
  }
  if (request.headers.get("sec-fetch-site") === "cross-site") throw refuse("Cross-site requests are refused.");
}
