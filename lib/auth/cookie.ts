/**
 * The session cookie's name and attributes. Dependency-free so proxy.ts can import it without
 * pulling in the database client.
 */

export const SESSION_COOKIE = "waymark_session";

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: "lax";
  path: "/";
  secure: boolean;
  expires: Date;
}

/**
 * Attributes for the session cookie. `HttpOnly` keeps it from page scripts; `SameSite=Lax` keeps
 * it off cross-site POSTs; `Secure` whenever the console is reached over https.
 */
export function sessionCookieOptions(secure: boolean, expires: Date): SessionCookieOptions {
  return { httpOnly: true, sameSite: "lax", path: "/", secure, expires };
}

/**
 * Whether the browser reached us over https: the request URL, the reverse proxy's
 * `X-Forwarded-Proto`, or a configured https public URL.
 */
export function isSecureContext(request: { url: string; headers: Headers }, publicUrl?: string): boolean {
  if (publicUrl?.startsWith("https:")) return true;
  const forwarded = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  if (forwarded) return forwarded === "https";
  return request.url.startsWith("https:");
}

/**
 * A post-login redirect target that stays on this site: a path starting with one "/" (not "//",
 * not "/\\", no scheme), else "/". Used for `/login?next=…`.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || next.length > 2000) return "/";
  if (!next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  // Control characters (tab, newline) are stripped by URL parsers and could turn "/\t/evil" into "//evil".
  if (/[\u0000-\u001f\u007f]/.test(next)) return "/";
  if (next === "/login" || next.startsWith("/login?") || next.startsWith("/login/")) return "/";
  return next;
}
