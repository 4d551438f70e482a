/**
 * The console's Content-Security-Policy, with a fresh nonce per request (set by proxy.ts). Next
 * reads the nonce from the request's CSP header and puts it on its own bootstrap scripts;
 * `'strict-dynamic'` lets those load the page's chunks, and nothing else runs — no inline script
 * without the nonce, no `javascript:` URLs, no injected `<script>`. No imports: proxy.ts runs it.
 */

/** The request header pages read the nonce from (Next also parses it out of the CSP header). */
export const NONCE_HEADER = "x-nonce";

/** 16 random bytes, base64: unguessable and new for every response. */
export function createNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/**
 * The policy. Styles keep `'unsafe-inline'` because React `style={…}` attributes cannot carry a
 * nonce; script execution is what the nonce protects. (`next dev` would also need
 * `'unsafe-eval'`; Waymark runs the console with `next start` only.)
 */
export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
