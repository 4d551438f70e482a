/** React Query factory for a run's budget pauses, decisions and per-attempt charges (its timeline's budget rows). */
import { queryOptions } from "@tanstack/react-query";
import type { RunBudgetView } from "../../lib/data/run-budget";
import { fetchJson } from "./fetch-json";

export interface RunBudgetResponse {
  budget: RunBudgetView;
}

export function runBudgetQuery(runId: string) {
  return queryOptions({
    queryKey: ["run", runId, "budget"] as const,
    queryFn: ({ signal }) => fetchJson<RunBudgetResponse>(`/api/v1/runs/${encodeURIComponent(runId)}/budget`, signal),
  });
}
