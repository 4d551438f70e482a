/**
 * POSTs a JSON body to an admin-set URL through the SSRF guard (lib/security/ssrf.ts `safeFetch`):
 * only http(s) without credentials, every resolved address checked at connect time (no DNS
 * rebinding between check and connect). Redirects are not followed: a webhook receiver answers 2xx.
 */
import { safeFetch, SsrfBlockedError } from "../security/ssrf";

export interface GuardedPostOptions {
  headers: Record<string, string>;
  /** Exact addresses exempt from the block list (tests: "127.0.0.1"). @defaultValue [] */
  allowAddresses?: readonly string[];
  /** @defaultValue 10000 */
  timeoutMs?: number;
}

/** The parsed target; refuses other schemes and URLs with credentials. */
export function alertTargetUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SsrfBlockedError("The alert URL is not a valid URL.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new SsrfBlockedError(`The alert URL must be http or https, not ${url.protocol}.`);
  if (url.username || url.password) throw new SsrfBlockedError("The alert URL must not contain credentials.");
  return url;
}

/** Sends the body; resolves with the status (any status: the caller decides), rejects on network errors. */
export async function guardedPost(rawUrl: string, body: string, options: GuardedPostOptions): Promise<number> {
  alertTargetUrl(rawUrl);
  const response = await safeFetch(rawUrl, {
    method: "POST",
    body,
    followRedirects: false,
    headers: { "content-type": "application/json", "user-agent": "waymark-alerts/1", accept: "*/*", ...options.headers },
    allowAddresses: options.allowAddresses,
    timeoutMs: options.timeoutMs,
    maxBytes: 64 * 1024, // the receiver's answer is not used
  });
  return response.status;
}
