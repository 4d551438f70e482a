/**
 * S24: the SSRF guard refuses internal destinations by scheme, by literal address in every
 * spelling, after DNS resolution (rebinding included) and on every redirect hop, and a loopback
 * decoy server receives 0 requests. Loopback is allowed only where a test says so explicitly.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configureDemoTools, fetchSource, resetDemoTools } from "../demo/tools";
import { createMemorySink } from "../demo/sink";
import { isBlockedAddress, safeFetch, SsrfBlockedError } from "./ssrf";

/** A server on 127.0.0.2 (a loopback address no test allows) that counts what reaches it. */
let decoy: Server;
let decoyHits = 0;
let decoyPort = 0;
/** A server on 127.0.0.1 (allowed explicitly) that answers or redirects as the path says. */
let origin: Server;
let originPort = 0;
const ALLOW = { allowAddresses: ["127.0.0.1"] };

const listen = (server: Server, host: string) =>
  new Promise<number>((resolve) => server.listen(0, host, () => resolve((server.address() as AddressInfo).port)));

beforeAll(async () => {
  decoy = createServer((_req, res) => {
    decoyHits++;
    res.end("internal secret");
  });
  decoyPort = await listen(decoy, "127.0.0.2");
  origin = createServer((req, res) => {
    const target = new URL(req.url ?? "/", "http://x").searchParams.get("to");
    if (target) {
      res.writeHead(302, { location: target });
      res.end();
    } else res.end("public page");
  });
  originPort = await listen(origin, "127.0.0.1");
});
afterAll(async () => {
  await Promise.all([decoy, origin].map((s) => new Promise((resolve) => s.close(resolve))));
});

async function blocked(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => new Error("expected ssrf_blocked"),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SsrfBlockedError);
  expect(error).toMatchObject({ code: "ssrf_blocked", status: 400 });
  return (error as Error).message;
}

describe("isBlockedAddress", () => {
  it.each([
    "127.0.0.1", "127.1.2.3", "0.0.0.0", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "100.64.0.1", "224.0.0.1", "255.255.255.255",
    "::1", "::", "fd00:ec2::254", "fc00::1", "fe80::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
    "64:ff9b::a9fe:a9fe", "not-an-ip",
  ])("blocks %s", (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(["93.184.216.34", "8.8.8.8", "172.32.0.1", "2606:4700::1111", "::ffff:8.8.8.8"])("allows %s", (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

describe("safeFetch", () => {
  it("fetches an explicitly allowed address", async () => {
    const response = await safeFetch(`http://127.0.0.1:${originPort}/`, ALLOW);
    expect(response).toMatchObject({ status: 200, text: "public page" });
  });

  it("refuses schemes other than http and https", async () => {
    for (const url of ["file:///etc/passwd", "gopher://127.0.0.1:70/", "ftp://example.com/", "data:text/plain,hi", "javascript:alert(1)"]) {
      expect(await blocked(safeFetch(url))).toMatch(/scheme|not a valid URL/);
    }
  });

  it("refuses every spelling of an internal literal address, sending nothing", async () => {
    const urls = [
      `http://127.0.0.2:${decoyPort}/`,
      `http://0177.0.0.2:${decoyPort}/`, // octal
      `http://2130706434:${decoyPort}/`, // decimal integer
      `http://0x7f.0.0.2:${decoyPort}/`, // hex
      `http://[::ffff:127.0.0.2]:${decoyPort}/`,
      "http://[::1]/",
      "http://169.254.169.254/latest/meta-data/",
      "http://[fd00:ec2::254]/latest/meta-data/",
      "http://10.0.0.1/",
      "http://192.168.0.1/",
    ];
    for (const url of urls) await blocked(safeFetch(url, ALLOW));
    expect(decoyHits).toBe(0);
  });

  it("refuses a host name that resolves to an internal address (localhost, DNS rebinding)", async () => {
    await blocked(safeFetch(`http://localhost:${decoyPort}/`));
    // Rebinding: the name's answer is checked at connect time, not earlier.
    const rebinding = async () => ["93.184.216.34", "127.0.0.2"];
    expect(await blocked(safeFetch(`http://rebind.test:${decoyPort}/`, { lookup: rebinding }))).toContain("127.0.0.2");
    expect(decoyHits).toBe(0);
  });

  it("checks every redirect hop", async () => {
    for (const to of [`http://127.0.0.2:${decoyPort}/`, "http://169.254.169.254/", "file:///etc/passwd", `http://[::1]:${decoyPort}/`]) {
      await blocked(safeFetch(`http://127.0.0.1:${originPort}/?to=${encodeURIComponent(to)}`, ALLOW));
    }
    expect(decoyHits).toBe(0);
    // An allowed target is followed.
    const ok = await safeFetch(`http://127.0.0.1:${originPort}/?to=${encodeURIComponent(`http://127.0.0.1:${originPort}/`)}`, ALLOW);
    expect(ok).toMatchObject({ status: 200, text: "public page" });
  });

  it("stops after the redirect limit", async () => {
    const self = `http://127.0.0.1:${originPort}/`;
    let url = self;
    for (let i = 0; i < 3; i++) url = `${self}?to=${encodeURIComponent(url)}`;
    expect(await blocked(safeFetch(url, { ...ALLOW, maxRedirects: 1 }))).toMatch(/redirects/);
  });
});

describe("the demo tool fetchSource", () => {
  afterAll(() => resetDemoTools());

  it("stays offline by default: a URL outside the demo web fails without a request", async () => {
    resetDemoTools();
    await expect(fetchSource(`http://127.0.0.2:${decoyPort}/`)).rejects.toMatchObject({ name: "DemoToolError", fatal: true });
    expect(decoyHits).toBe(0);
  });

  it("fetches through the guard when live fetches are on, and never reaches internal hosts", async () => {
    configureDemoTools({ sink: createMemorySink(), liveFetch: ALLOW });
    const doc = await fetchSource(`http://127.0.0.1:${originPort}/`);
    expect(doc).toMatchObject({ text: "public page" });
    for (const url of [`http://127.0.0.2:${decoyPort}/`, `http://127.0.0.1:${originPort}/?to=${encodeURIComponent("http://169.254.169.254/")}`]) {
      await expect(fetchSource(url)).rejects.toMatchObject({ code: "ssrf_blocked", fatal: true });
    }
    expect(decoyHits).toBe(0);
  });
});
