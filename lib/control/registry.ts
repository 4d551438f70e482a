/** The workflow registry of this process, and its record in Postgres. */
import { createRegistry, definitionHash, inputJsonSchema } from "../engine/definition";
import type { Json, Logger, WorkflowDefinition } from "../engine/types";
import { workflows } from "../workflows";
import type { WorkflowRegistry } from "./deps";
import { type Db, upsertWorkflowDefinitions } from "./data-port";

/** The demo/user workflows of lib/workflows, or an explicit list (tests, embedding). */
export function loadRegistry(definitions: WorkflowDefinition[] = workflows): WorkflowRegistry {
  return createRegistry(definitions);
}

/**
 * Records every registered (name, version) with its hash. A stored version whose hash differs
 * means someone changed a workflow's body without bumping its version: runs started on the old
 * body would replay against new code, so we say so loudly.
 */
export async function syncWorkflowDefinitions(db: Db, registry: WorkflowRegistry, log: Logger) {
  const { conflicts } = await upsertWorkflowDefinitions(
    db,
    registry.list().map((def) => ({
      name: def.name,
      version: def.version,
      hash: definitionHash(def),
      inputSchema: inputJsonSchema(def) as Json,
      description: def.description,
    })),
  );
  for (const c of conflicts) {
    log.warn(
      `Workflow ${c.name}@${c.version} changed since it was first registered (hash ${c.storedHash.slice(0, 12)} → ${c.newHash.slice(0, 12)}). ` +
        `Bump its version so runs in flight keep the body they started on.`,
      { workflow: c.name, version: c.version },
    );
  }
  return conflicts;
}
