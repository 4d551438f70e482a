/**
 * POSTs a JSON body to an admin-set URL through the SSRF guard's rules (lib/security/ssrf.ts): only
 * http(s) without credentials; the host is resolved once, every address is checked with
 * `isBlockedAddress`, and the socket connects only to those checked addresses (no DNS rebinding
 * between check and connect). Redirects are not followed: a webhook receiver answers 2xx.
 * Hand-written because `safeFetch` only sends GETs (see the report: it could take `method`/`body`).
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP, type LookupFunction } from "node:net";
import { isBlockedAddress, SsrfBlockedError } from "../security/ssrf";

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

async function checkedAddresses(url: URL, allow: ReadonlySet<string>): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const addresses = isIP(host) ? [host] : (await dnsLookup(host, { all: true, verbatim: true })).map((entry) => entry.address);
  if (addresses.length === 0) throw new SsrfBlockedError(`${url.host} did not resolve to any address.`);
  for (const address of addresses) {
    if (!allow.has(address) && isBlockedAddress(address)) {
      throw new SsrfBlockedError(`Sending to ${url.origin} was blocked: it resolves to the internal address ${address}.`);
    }
  }
  return addresses;
}

/** Sends the body; resolves with the status (any status: the caller decides), rejects on network errors. */
export async function guardedPost(rawUrl: string, body: string, options: GuardedPostOptions): Promise<number> {
  const url = alertTargetUrl(rawUrl);
  const addresses = await checkedAddresses(url, new Set(options.allowAddresses ?? []));
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    const list = addresses.map((address) => ({ address, family: isIP(address) }));
    if (lookupOptions.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<number>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "waymark-alerts/1", ...options.headers },
        lookup: pinned,
        agent: false,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      },
      (response) => {
        response.resume(); // the receiver's body is not needed
        response.on("end", () => resolve(response.statusCode ?? 0));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(body);
  });
}
