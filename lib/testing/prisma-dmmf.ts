/**
 * The full Prisma data model (DMMF: nullability, native types, indexes, relations) of
 * prisma/schema.prisma, as Prisma's own parser produces it. The generated client only carries a
 * pruned `runtimeDataModel` (names and scalar types), so the schema-sync test asks the installed
 * Prisma CLI: `prisma generate` runs a throwaway generator that receives the DMMF over Prisma's
 * generator protocol (JSON-RPC lines: requests on stdin, replies on stderr) and writes it out.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { processEnv } from "../config/env";

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUpdatedAt: boolean;
  hasDefaultValue: boolean;
  type: string;
  /** e.g. ["Timestamptz", ["3"]] or ["Decimal", ["14", "6"]] */
  nativeType?: [string, string[]] | null;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}

export interface DmmfDatamodel {
  models: DmmfModel[];
  indexes: DmmfIndex[];
}

const GENERATOR = `
import { createInterface } from "node:readline";
import { writeFileSync } from "node:fs";
const reply = (id, result) => process.stderr.write(JSON.stringify({ jsonrpc: "2.0", id, result }) + "\\n");
createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (message.method === "getManifest") reply(message.id, { manifest: { prettyName: "DMMF dump", requiresEngines: [] } });
  if (message.method === "generate") {
    writeFileSync(process.env.WAYMARK_DMMF_OUT, JSON.stringify(message.params.dmmf.datamodel));
    reply(message.id, null);
  }
});
`;

const repoRoot = () => fileURLToPath(new URL("../..", import.meta.url));

export async function loadPrismaDmmf(schemaPath = path.join(repoRoot(), "prisma", "schema.prisma")): Promise<DmmfDatamodel> {
  const dir = await mkdtemp(path.join(tmpdir(), "waymark-dmmf-"));
  try {
    const generator = path.join(dir, "dump-dmmf.mjs");
    const out = path.join(dir, "dmmf.json");
    await writeFile(generator, GENERATOR);
    const schema = await readFile(schemaPath, "utf8");
    await writeFile(
      path.join(dir, "schema.prisma"),
      `generator waymark_dmmf {\n  provider = ${JSON.stringify(`node ${generator}`)}\n  output = ${JSON.stringify(dir)}\n}\n\n${schema}`,
    );
    await promisify(execFile)(
      path.join(repoRoot(), "node_modules", ".bin", "prisma"),
      ["generate", "--schema", path.join(dir, "schema.prisma"), "--generator", "waymark_dmmf"],
      {
        cwd: repoRoot(),
        // `prisma generate` insists on finding a schema-engine binary it never runs (ENVIRONMENT.md).
        env: { ...processEnv(), PRISMA_SCHEMA_ENGINE_BINARY: process.execPath, WAYMARK_DMMF_OUT: out },
      },
    );
    return JSON.parse(await readFile(out, "utf8")) as DmmfDatamodel;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
