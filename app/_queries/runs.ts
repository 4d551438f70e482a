/** React Query factories for runs: the list (polled while anything on it is active) and one run. */
import { queryOptions } from "@tanstack/react-query";
import type { RunSummaryView, RunView } from "../../lib/data/views";
import { fetchJson } from "./fetch-json";
import { runsApiUrl, toRunFilter, type RunListParams } from "./run-list-params";

export interface RunsResponse {
  runs: RunSummaryView[];
  nextCursor: string | null;
}

export interface RunResponse {
  run: RunView;
}

export function runsQuery(params: RunListParams) {
  return queryOptions({
    queryKey: ["runs", params] as const,
    queryFn: async ({ signal }) => {
      const now = new Date();
      const page = await fetchJson<RunsResponse>(runsApiUrl(params, now), signal);
      return applyTimeRange(page, toRunFilter(params, now).createdAfter);
    },
  });
}

/**
 * Keeps the page inside the time range even if the API ignores `createdAfter`. Runs come newest
 * first, so once one is older than the range, every later page is too: no next page.
 */
export function applyTimeRange(page: RunsResponse, createdAfter: Date | undefined): RunsResponse {
  if (!createdAfter) return page;
  const runs = page.runs.filter((run) => Date.parse(run.createdAt) >= createdAfter.getTime());
  return runs.length === page.runs.length ? page : { runs, nextCursor: null };
}

export function runQuery(runId: string) {
  return queryOptions({
    queryKey: ["run", runId] as const,
    queryFn: ({ signal }) => fetchJson<RunResponse>(`/api/v1/runs/${encodeURIComponent(runId)}`, signal),
  });
}
