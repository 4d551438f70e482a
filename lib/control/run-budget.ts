/** A run's budget pauses, decisions and per-attempt charges, for its timeline (viewer). */
import { getRunBudgetView, type RunBudgetView } from "../data/run-budget";
import { notFound } from "../errors/app-error";
import { assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import type { Actor } from "./types";

export async function getRunBudget(deps: ControlDeps, runId: string, actor: Actor): Promise<RunBudgetView> {
  assertRole(actor, "viewer", "reading runs");
  const view = await getRunBudgetView(deps.db, runId);
  if (!view) throw notFound("Run", runId);
  return view;
}
