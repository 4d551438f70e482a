/**
 * LLM usage and cost for the usage API and the cost dashboard (viewer and up): totals and rows per
 * group, a series over time, top runs, latency, error rates and budget usage, over one window.
 */
import { listBudgetPolicies } from "../data/budget-policy-store";
import { errorRate, queryLlmLatency, queryRunErrors, queryStepStats, queryTopRuns } from "../data/usage-insights";
import { normalizeGroups, queryUsageRows, queryUsageSeries, type UsageFilter, type UsageReport } from "../data/usage-queries";
import { bucketCount, MAX_USAGE_BUCKETS, resolveUsageWindow, type UsageWindow } from "../data/usage-range";
import { SERIES_GROUPS, type SeriesGroup } from "../data/usage-sql";
import { invalidInput } from "../errors/app-error";
import { assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import type { Actor } from "./types";

/** Top runs listed when the caller does not say. @defaultValue 10 */
export const DEFAULT_TOP_RUNS = 10;

/** The window of `filter`, or a 400 naming the parameter that makes it impossible. */
export function usageWindowOf(filter: UsageFilter, now: Date): UsageWindow {
  if (filter.range && (filter.from || filter.to)) {
    throw invalidInput(`Invalid query: range: use either range=${filter.range} or from/to, not both.`, [
      { path: "range", message: "not allowed together with from or to" },
    ]);
  }
  if (filter.from && filter.to && filter.from.getTime() >= filter.to.getTime()) {
    throw invalidInput(`Invalid query: from: ${filter.from.toISOString()} is not before to (${filter.to.toISOString()}).`, [
      { path: "from", message: "must be before to" },
    ]);
  }
  const window = resolveUsageWindow(filter, now);
  // An explicit bucket must fit; an automatic one over a very long window starts the series at the first call instead.
  if (window.from && filter.bucket) {
    const buckets = bucketCount(window.from, window.to ?? now, window.bucket);
    if (buckets > MAX_USAGE_BUCKETS) {
      throw invalidInput(
        `Invalid query: bucket: ${buckets} ${window.bucket} buckets is more than ${MAX_USAGE_BUCKETS}; choose a larger bucket or a shorter range.`,
        [{ path: "bucket", message: `at most ${MAX_USAGE_BUCKETS} buckets per series` }],
      );
    }
  }
  return window;
}

export async function getUsage(deps: ControlDeps, filter: UsageFilter, actor: Actor, now = new Date()): Promise<UsageReport> {
  assertRole(actor, "viewer", "reading usage");
  const window = usageWindowOf(filter, now);
  const groupBy = normalizeGroups(filter.groupBy);
  const keyGroups = groupBy.filter((group): group is SeriesGroup => (SERIES_GROUPS as readonly string[]).includes(group));
  const charges = { from: window.from ?? undefined, to: window.to ?? undefined, workflow: filter.workflow, version: filter.version, model: filter.model };
  const [usage, series, topRuns, llmLatency, steps, runs, budgets] = await Promise.all([
    queryUsageRows(deps.db, charges, groupBy),
    queryUsageSeries(deps.db, charges, window, groupBy, now),
    queryTopRuns(deps.db, charges, filter.top ?? DEFAULT_TOP_RUNS),
    queryLlmLatency(deps.db, charges, keyGroups),
    queryStepStats(deps.db, charges),
    queryRunErrors(deps.db, charges),
    listBudgetPolicies(deps.db, now),
  ]);
  return {
    groupBy,
    window: { from: window.from?.toISOString() ?? null, to: window.to?.toISOString() ?? null, bucket: window.bucket, range: filter.range ?? null },
    ...usage,
    series,
    topRuns,
    latency: { llm: llmLatency.all, llmByGroup: llmLatency.byGroup, steps: steps.latency },
    errors: {
      llmCalls: errorRate(usage.totals.calls, usage.totals.failedCalls),
      steps: steps.errors,
      runs,
    },
    // A workflow's budgets and the global one apply to it; without a workflow filter, all of them.
    budgets: filter.workflow ? budgets.filter((budget) => budget.workflow === null || budget.workflow === filter.workflow) : budgets,
  };
}
