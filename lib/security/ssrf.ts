/**
 * SSRF guard for tool steps that fetch URLs. Only http/https; the address every connection goes
 * to is checked after DNS resolution — inside the socket's own `lookup`, so a DNS answer that
 * changes between check and connect (rebinding) cannot slip through — and redirects are followed
 * by hand, checking each hop the same way. Blocked: loopback, private (RFC 1918, ULA), link-local,
 * CGNAT, multicast, unspecified/broadcast, documentation/benchmark ranges, NAT64/6to4 wrappers and
 * cloud metadata addresses (169.254.169.254, fd00:ec2::254…), IPv4-mapped IPv6 included.
 * Node's `net.BlockList` does the range matching (it also matches IPv4-mapped IPv6 against IPv4 rules).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { AppError } from "../errors/app-error";

const BLOCKED_V4: Array<[string, number]> = [
  ["0.0.0.0", 8], // "this network"; 0.0.0.0 reaches localhost on Linux
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // CGNAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, including 169.254.169.254 metadata
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments (incl. 192.0.0.192 Oracle metadata)
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved + broadcast
];
const BLOCKED_V6: Array<[string, number]> = [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96], // NAT64 wraps an IPv4 address
  ["64:ff9b:1::", 48],
  ["100::", 64], // discard
  ["2001:db8::", 32],
  ["2002::", 16], // 6to4 wraps an IPv4 address
  ["fc00::", 7], // unique local, including fd00:ec2::254 (AWS metadata)
  ["fe80::", 10], // link-local
  ["fec0::", 10], // old site-local
  ["ff00::", 8], // multicast
];

const blockList = new BlockList();
for (const [net, prefix] of BLOCKED_V4) blockList.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of BLOCKED_V6) blockList.addSubnet(net, prefix, "ipv6");

/** Whether an IP address is internal (loopback, private, link-local, metadata, …). */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address: refuse rather than guess
  return blockList.check(address, family === 4 ? "ipv4" : "ipv6");
}

export interface SafeFetchOptions {
  /** Exact addresses exempt from the block list (tests: "127.0.0.1"). @defaultValue [] */
  allowAddresses?: readonly string[];
  /** Redirects followed, each re-checked. @defaultValue 5 */
  maxRedirects?: number;
  /** Response body limit. @defaultValue 1048576 (1 MB) */
  maxBytes?: number;
  /** Whole-request timeout across redirects. @defaultValue 10000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Name resolution (tests inject a rebinding resolver). @defaultValue node:dns lookup */
  lookup?: (hostname: string) => Promise<string[]>;
  /** Extra request headers (they override the defaults) */
  headers?: Record<string, string>;
  /** @defaultValue "GET" */
  method?: "GET" | "POST";
  /** Request body (POST) */
  body?: string;
  /** False: a 3xx answer is returned as it is, not followed (webhook senders). @defaultValue true */
  followRedirects?: boolean;
}

export interface SafeFetchResponse {
  status: number;
  /** The URL of the final hop */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** 400 `ssrf_blocked`: the step fails, it is not retried. */
export class SsrfBlockedError extends AppError {
  /** Read by the engine: a blocked destination stays blocked, so the step fails without retries */
  readonly fatal = true;
  constructor(message: string) {
    super("ssrf_blocked", 400, message);
  }
}

const systemLookup = (hostname: string) =>
  new Promise<string[]>((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses: LookupAddress[]) =>
      error ? reject(error) : resolve(addresses.map((a) => a.address)),
    ),
  );

function checkAddress(address: string, url: URL, allow: ReadonlySet<string>): void {
  if (allow.has(address)) return;
  if (isBlockedAddress(address)) {
    throw new SsrfBlockedError(
      `Fetching ${url.origin} was blocked: it resolves to the internal address ${address}. Tools may only fetch public http(s) addresses.`,
    );
  }
}

function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SsrfBlockedError(`"${raw.slice(0, 200)}" is not a valid URL; tools may only fetch http(s) URLs.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SsrfBlockedError(`The ${url.protocol} scheme is not allowed; tools may only fetch http and https URLs.`);
  }
  if (url.username || url.password) throw new SsrfBlockedError("URLs with credentials are not allowed.");
  return url;
}

/** The socket's lookup: resolves, refuses if ANY address is internal, connects only to checked ones. */
function guardedLookup(url: URL, resolve: (host: string) => Promise<string[]>, allow: ReadonlySet<string>): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname).then(
      (addresses) => {
        try {
          if (addresses.length === 0) throw new SsrfBlockedError(`${hostname} did not resolve to any address.`);
          for (const address of addresses) checkAddress(address, url, allow);
          const list = addresses.map((address) => ({ address, family: isIP(address) }));
          if (options.all) callback(null, list);
          else callback(null, list[0].address, list[0].family);
        } catch (error) {
          callback(error as NodeJS.ErrnoException, "", 0);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}

function requestOnce(url: URL, options: SafeFetchOptions, allow: ReadonlySet<string>, signal: AbortSignal) {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  // IP literals skip DNS (and the lookup hook), so check them here. WHATWG URL parsing already
  // normalised 0177.0.0.1 / 2130706433 / 0x7f.1 to 127.0.0.1.
  if (isIP(host)) checkAddress(host, url, allow);
  const client = url.protocol === "https:" ? https : http;
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const request = client.request(
      url,
      {
        method: options.method ?? "GET",
        headers: { "user-agent": "waymark-tool/1", accept: "text/*, application/json", ...options.headers },
        lookup: guardedLookup(url, options.lookup ?? systemLookup, allow),
        signal,
        agent: false, // no pooled sockets: each connection goes through the lookup check
      },
      (response) => {
        const chunks: Buffer[] = [];
        let total = 0;
        const limit = options.maxBytes ?? 1024 * 1024;
        response.on("data", (chunk: Buffer) => {
          total += chunk.length;
          if (total > limit) {
            response.destroy();
            reject(new AppError("payload_too_large", 413, `The response from ${url.origin} is larger than ${limit} bytes.`));
          } else chunks.push(chunk);
        });
        response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
        response.on("error", reject);
      },
    );
    request.on("error", reject);
    request.end(options.body);
  });
}

/**
 * Fetches a URL (a tool step's GET, an alert's POST), refusing internal destinations with `SsrfBlockedError` (before any
 * byte is sent to them) on the first request and on every redirect hop.
 */
export async function safeFetch(rawUrl: string, options: SafeFetchOptions = {}): Promise<SafeFetchResponse> {
  const allow = new Set(options.allowAddresses ?? []);
  const maxRedirects = options.maxRedirects ?? 5;
  const signals = [AbortSignal.timeout(options.timeoutMs ?? 10_000), ...(options.signal ? [options.signal] : [])];
  const signal = AbortSignal.any(signals);
  let url = parseTarget(rawUrl);
  for (let hop = 0; ; hop++) {
    const response = await requestOnce(url, options, allow, signal);
    const location = response.headers.location;
    if (options.followRedirects !== false && response.status >= 300 && response.status < 400 && location) {
      if (hop >= maxRedirects) throw new SsrfBlockedError(`Gave up after ${maxRedirects} redirects from ${rawUrl.slice(0, 200)}.`);
      url = parseTarget(new URL(location, url).toString());
      continue;
    }
    return { status: response.status, url: url.toString(), headers: response.headers, text: response.body.toString("utf8") };
  }
}
