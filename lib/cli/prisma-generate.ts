/**
 * `npm run generate`: generates the Prisma client when prisma/schema.prisma changed.
 * `prisma generate` refuses to start without a schema-engine binary, which it would download
 * (impossible offline) but does not use to generate; pointing PRISMA_SCHEMA_ENGINE_BINARY at any
 * existing file lets it run (see ENVIRONMENT.md). A real engine, when configured, is respected.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { processEnv } from "../config/env";

const root = fileURLToPath(new URL("../../", import.meta.url));
const schemaPath = `${root}prisma/schema.prisma`;
const outDir = `${root}lib/data/generated/prisma`;
const stampPath = `${outDir}/.schema-hash`;

const schemaHash = createHash("sha256").update(readFileSync(schemaPath)).digest("hex");
const upToDate = existsSync(stampPath) && readFileSync(stampPath, "utf8") === schemaHash && existsSync(`${outDir}/client.ts`);

if (!upToDate) {
  const env = { ...processEnv() };
  if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
    const placeholder = `${root}node_modules/.cache/waymark/schema-engine-placeholder`;
    mkdirSync(`${root}node_modules/.cache/waymark`, { recursive: true });
    if (!existsSync(placeholder)) writeFileSync(placeholder, "#!/bin/sh\necho 'placeholder: prisma generate only'\n", { mode: 0o755 });
    env.PRISMA_SCHEMA_ENGINE_BINARY = placeholder;
  }
  const result = spawnSync(`${root}node_modules/.bin/prisma`, ["generate"], { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error("prisma generate failed; see the output above.");
    process.exit(result.status ?? 1);
  }
  writeFileSync(stampPath, schemaHash);
}
