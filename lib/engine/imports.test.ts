import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/** lib/engine is pure: it may import only itself, zod and node:crypto (tests may also use vitest and node:*). */
const engineDir = dirname(fileURLToPath(import.meta.url));
const sdkDir = join(engineDir, "..", "sdk");

function importSpecifiers(text: string): string[] {
  // Comments may show example imports (TSDoc); they are not imports.
  const source = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const specifiers: string[] = [];
  const patterns = [/\bimport\s+(?:type\s+)?[^"'`;]*?\bfrom\s+["']([^"']+)["']/g, /\bexport\s+[^"'`;]*?\bfrom\s+["']([^"']+)["']/g, /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g, /^\s*import\s+["']([^"']+)["']/gm];
  for (const pattern of patterns) for (const match of source.matchAll(pattern)) specifiers.push(match[1]);
  return specifiers;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).filter((name) => name.endsWith(".ts")).map((name) => join(dir, name));
}

describe("import rules", () => {
  it("lib/engine imports only relative engine modules, zod and node:crypto", () => {
    const offenders: string[] = [];
    const files = sourceFiles(engineDir).filter((file) => !file.endsWith(".test.ts"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
        const allowed = (specifier.startsWith("./") && !specifier.includes("..")) || specifier === "zod" || specifier === "node:crypto";
        if (!allowed) offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("lib/engine tests import nothing outside the engine but vitest, zod and node built-ins", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(engineDir).filter((f) => f.endsWith(".test.ts"))) {
      for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
        const allowed = (specifier.startsWith("./") && !specifier.includes("..")) || ["zod", "vitest"].includes(specifier) || specifier.startsWith("node:");
        if (!allowed) offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("lib/sdk imports only lib/engine and zod", () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(sdkDir)) {
      for (const specifier of importSpecifiers(readFileSync(file, "utf8"))) {
        if (!(specifier.startsWith("../engine/") || specifier.startsWith("./") || specifier === "zod")) offenders.push(`${file}: ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});
