/**
 * The import rules of DESIGN.md / CONVENTIONS.md, kept true by a test that scans import
 * specifiers (no extra tooling):
 *  - lib/engine is pure: nothing from next/react/bullmq/ioredis/prisma/pg/otel-sdk or other lib/ folders;
 *  - lib/workflows import only the SDK, zod and tool code;
 *  - app/ and worker/ never touch Prisma, pg, BullMQ, ioredis or the engine's internals: they go through lib/control;
 *  - only lib/config/env.ts reads process.env.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../", import.meta.url));

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir))) {
    if (entry === "node_modules" || entry === "generated" || entry.startsWith(".")) continue;
    const path = join(dir, entry);
    if (statSync(join(root, path)).isDirectory()) out.push(...sourceFiles(path));
    else if (/\.(ts|tsx)$/.test(entry)) out.push(path);
  }
  return out;
}

const importPattern = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return [...text.matchAll(importPattern)].map((m) => m[1] ?? m[2]);
}

/** Resolves a relative specifier to a repo-relative path (without extension). */
function resolved(file: string, spec: string): string {
  return spec.startsWith(".") ? relative(root, join(root, file, "..", spec)) : spec;
}

const isTest = (file: string) => /\.(test|int\.test|spec)\.tsx?$/.test(file);

function violations(files: string[], forbidden: (target: string, spec: string) => boolean) {
  return files.flatMap((file) =>
    importsOf(file)
      .filter((spec) => forbidden(resolved(file, spec), spec))
      .map((spec) => `${file} imports ${spec}`),
  );
}

describe("import boundaries", () => {
  it("lib/engine is pure", () => {
    const files = sourceFiles("lib/engine").filter((f) => !isTest(f));
    const bad = violations(files, (target, spec) => {
      if (spec.startsWith(".")) return !target.startsWith("lib/engine");
      return !["zod", "node:crypto"].includes(spec);
    });
    expect(bad).toEqual([]);
  });

  it("workflow definitions use only the SDK, zod and tool code", () => {
    const files = sourceFiles("lib/workflows").filter((f) => !isTest(f));
    const bad = violations(files, (target, spec) => {
      if (!spec.startsWith(".")) return spec !== "zod";
      return !(target.startsWith("lib/workflows") || target.startsWith("lib/sdk") || target.startsWith("lib/demo/tools"));
    });
    expect(bad).toEqual([]);
  });

  it("app/ and worker/ go through lib/control, never the database or queue libraries", () => {
    const files = [...sourceFiles("app"), ...sourceFiles("worker")].filter((f) => !isTest(f));
    const forbiddenPackages = ["@prisma/client", "@prisma/adapter-pg", "pg", "bullmq", "ioredis"];
    const bad = violations(files, (target, spec) => {
      if (forbiddenPackages.includes(spec)) return true;
      return (
        target.startsWith("lib/queue") ||
        target.startsWith("lib/data/generated") ||
        (target.startsWith("lib/engine") && !target.startsWith("lib/engine/types"))
      );
    });
    expect(bad).toEqual([]);
  });

  it("only lib/config/env.ts reads process.env", () => {
    const files = [...sourceFiles("lib"), ...sourceFiles("app"), ...sourceFiles("worker")].filter(
      (f) => !isTest(f) && f !== "lib/config/env.ts" && !f.startsWith("lib/testing/"),
    );
    const readers = files.filter((f) => /process\.env\b/.test(readFileSync(join(root, f), "utf8")));
    expect(readers).toEqual([]);
  });
});
