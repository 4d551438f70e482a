/** Read use cases; viewers may read everything. */
import { notFound } from "../errors/app-error";
import { inputJsonSchema } from "../engine/definition";
import type { Json } from "../engine/types";
import type { WorkflowView } from "../data/views";
import { assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { getRunView, listApprovalViews, listRunSummaries, listWorkflowRows } from "./data-port";
import type { Actor, RunFilter } from "./types";

export async function getRun(deps: ControlDeps, runId: string, actor: Actor) {
  assertRole(actor, "viewer", "reading runs");
  const run = await getRunView(deps.db, runId);
  if (!run) throw notFound("Run", runId);
  return run;
}

export async function listRuns(deps: ControlDeps, filter: RunFilter, actor: Actor) {
  assertRole(actor, "viewer", "reading runs");
  return listRunSummaries(deps.db, filter);
}

export async function listApprovals(deps: ControlDeps, filter: { status?: "pending" | "approved" | "rejected" | "expired" }, actor: Actor) {
  assertRole(actor, "viewer", "reading approvals");
  return listApprovalViews(deps.db, filter);
}

/** Registered definitions merged with every version ever stored (old versions may still have runs). */
export async function listWorkflows(deps: ControlDeps, actor: Actor): Promise<WorkflowView[]> {
  assertRole(actor, "viewer", "reading workflows");
  const rows = await listWorkflowRows(deps.db);
  const byName = new Map<string, WorkflowView>();
  const view = (name: string) => {
    let w = byName.get(name);
    if (!w) byName.set(name, (w = { name, latestVersion: 0, versions: [] }));
    return w;
  };
  for (const def of deps.registry.list()) {
    view(def.name).versions.push({
      version: def.version,
      hash: "",
      description: def.description ?? null,
      inputSchema: inputJsonSchema(def) as Json,
      registered: true,
    });
  }
  for (const row of rows) {
    const w = view(row.name);
    const existing = w.versions.find((v) => v.version === row.version);
    if (existing) existing.hash = row.hash;
    else
      w.versions.push({
        version: row.version,
        hash: row.hash,
        description: row.description ?? null,
        inputSchema: row.inputSchema as Json,
        registered: false,
      });
  }
  for (const w of byName.values()) {
    w.versions.sort((a, b) => b.version - a.version);
    w.latestVersion = w.versions[0]?.version ?? 0;
  }
  return [...byName.values()].sort((a, b) => a.name.localeCompare(b.name));
}
