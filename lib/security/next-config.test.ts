/**
 * S19 / G5: the Next configuration keeps Server Actions at Next's 1 MB body limit and never
 * allowlists `Origin: null`, and the installed Next has the fixes for CVE-2025-29927 (forged
 * x-middleware-subrequest) and GHSA-mq59-m269-xvcx (Origin: null on Server Actions).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import nextConfig from "../../next.config";

describe("next.config and the Next version", () => {
  it("do not raise the Server Action body limit or allow extra Origins", () => {
    const serverActions = (nextConfig as { experimental?: { serverActions?: { bodySizeLimit?: unknown; allowedOrigins?: string[] } } }).experimental
      ?.serverActions;
    expect(serverActions?.bodySizeLimit).toBeUndefined();
    expect(serverActions?.allowedOrigins ?? []).not.toContain("null");
    expect(nextConfig.poweredByHeader).toBe(false);
  });

  it("is a Next release with the middleware-subrequest and Origin: null fixes (>= 15.2.3)", () => {
    const path = createRequire(import.meta.url).resolve("next/package.json");
    const [major, minor, patch] = (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version.split(/[.-]/).map(Number);
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(15_002_003);
  });
});
