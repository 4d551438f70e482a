/** LLM usage and cost for the usage API and the cost dashboards (viewer and up). */
import { queryUsage, type UsageFilter, type UsageReport } from "../data/usage-queries";
import { assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import type { Actor } from "./types";

export async function getUsage(deps: ControlDeps, filter: UsageFilter, actor: Actor): Promise<UsageReport> {
  assertRole(actor, "viewer", "reading usage");
  return queryUsage(deps.db, filter);
}
