/** The workflow registry of this process, and its record in Postgres. */
import { createRegistry, definitionHash, inputJsonSchema } from "../engine/definition";
import type { Json, Logger, WorkflowDefinition } from "../engine/types";
import type { RefusedVersion, ServedVersion } from "../data/worker-store";
import { workflows } from "../workflows";
import type { WorkflowRegistry } from "./deps";
import { type Db, upsertWorkflowDefinitions } from "./data-port";

/** Versions each registry (made by loadRegistry) refuses to serve, by `name@version`. */
const refusals = new WeakMap<WorkflowRegistry, Map<string, RefusedVersion>>();

const keyOf = (name: string, version: number) => `${name}@${version}`;

/**
 * The demo/user workflows of lib/workflows, or an explicit list (tests, embedding). A version
 * refused by `syncWorkflowDefinitions` disappears from it: `get` answers undefined, so a worker
 * leaves that version's runs queued for a worker that has the registered body.
 */
export function loadRegistry(definitions: WorkflowDefinition[] = workflows): WorkflowRegistry {
  const all = createRegistry(definitions);
  const refused = new Map<string, RefusedVersion>();
  const served = () => all.list().filter((def) => !refused.has(keyOf(def.name, def.version)));
  const registry: WorkflowRegistry = {
    get: (name, version) => (refused.has(keyOf(name, version)) ? undefined : all.get(name, version)),
    latest: (name) => served().filter((def) => def.name === name).at(-1),
    list: served,
    names: () => [...new Set(served().map((def) => def.name))],
  };
  refusals.set(registry, refused);
  return registry;
}

/** The versions a registry refuses to serve (their body changed under a registered version number). */
export function refusedVersions(registry: WorkflowRegistry): RefusedVersion[] {
  return [...(refusals.get(registry)?.values() ?? [])];
}

/** What a registry serves, with hashes (for worker presence). */
export function servedVersions(registry: WorkflowRegistry): ServedVersion[] {
  return registry.list().map((def) => ({ name: def.name, version: def.version, hash: definitionHash(def) }));
}

/** The message a refused version is logged with (and shown where the console explains it). */
export function refusalMessage(refusal: RefusedVersion): string {
  return (
    `Refusing to serve workflow ${refusal.name} version ${refusal.version}: its definition changed since that version was registered ` +
    `(hash ${refusal.storedHash.slice(0, 12)} → ${refusal.hash.slice(0, 12)}). Runs of version ${refusal.version} stay queued for a worker ` +
    `with the registered body. Restore version ${refusal.version}'s code and give the changed definition a new version number.`
  );
}

/**
 * Records every registered (name, version) with its hash. A stored version whose hash differs
 * means someone changed a workflow's body without bumping its version: runs started on the old
 * body would replay against new code. That version is refused (dropped from a registry made by
 * loadRegistry) and logged as an error; every other version keeps working.
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
  const refused = refusals.get(registry);
  for (const c of conflicts) {
    const refusal: RefusedVersion = { name: c.name, version: c.version, storedHash: c.storedHash, hash: c.newHash };
    refused?.set(keyOf(c.name, c.version), refusal);
    log.error(refusalMessage(refusal), { workflow: c.name, version: c.version });
  }
  return conflicts;
}
