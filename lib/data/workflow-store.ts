/** Registered workflow definitions: one row per (name, version), never silently replaced. */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import type { Json } from "../engine/types";
import { createId } from "./ids";

export interface WorkflowDefinitionInput {
  name: string;
  version: number;
  /** sha256 of the definition body; a different body under the same version is a conflict */
  hash: string;
  /** JSON Schema of the input */
  inputSchema: Json;
  description?: string;
}

export interface WorkflowRow {
  name: string;
  version: number;
  hash: string;
  description: string | null;
  inputSchema: Json;
  createdAt: Date;
}

export interface WorkflowConflict {
  name: string;
  version: number;
  storedHash: string;
  newHash: string;
}

/**
 * Registers definitions not stored yet. A (name, version) already stored with another hash is
 * left alone and reported: changing a published version would break the replay of its runs.
 */
export async function upsertWorkflowDefinitions(
  db: Db,
  definitions: WorkflowDefinitionInput[],
): Promise<{ conflicts: WorkflowConflict[] }> {
  if (definitions.length === 0) return { conflicts: [] };
  const payload = JSON.stringify(
    definitions.map((d) => ({
      id: createId("wfd"),
      name: d.name,
      version: d.version,
      hash: d.hash,
      input_schema: d.inputSchema ?? null,
      description: d.description ?? null,
    })),
  );
  await withConnectionRetry(() =>
    db.pool.query(
      `INSERT INTO workflow_definitions (id, name, version, hash, input_schema, description, created_at, updated_at)
       SELECT x.id, x.name, x.version, x.hash, coalesce(x.input_schema, 'null'::jsonb), x.description, now(), now()
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, version int, hash text, input_schema jsonb, description text)
       ON CONFLICT (name, version) DO NOTHING`,
      [payload],
    ),
  );
  // A separate statement, so rows a concurrent process inserted meanwhile are compared too.
  const { rows } = await db.pool.query<{ name: string; version: number; stored_hash: string; new_hash: string }>(
    `SELECT w.name, w.version, w.hash AS stored_hash, x.hash AS new_hash
     FROM jsonb_to_recordset($1::jsonb) AS x(name text, version int, hash text)
     JOIN workflow_definitions w ON w.name = x.name AND w.version = x.version
     WHERE w.hash <> x.hash
     ORDER BY w.name, w.version`,
    [payload],
  );
  return {
    conflicts: rows.map((r) => ({ name: r.name, version: r.version, storedHash: r.stored_hash, newHash: r.new_hash })),
  };
}

/** Every stored definition, by name, newest version first. */
export async function listWorkflowRows(db: Db): Promise<WorkflowRow[]> {
  const rows = await withConnectionRetry(() =>
    db.prisma.workflowDefinition.findMany({ orderBy: [{ name: "asc" }, { version: "desc" }] }),
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    hash: r.hash,
    description: r.description,
    inputSchema: r.inputSchema as Json,
    createdAt: r.createdAt,
  }));
}
