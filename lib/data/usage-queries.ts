/**
 * LLM usage (calls, tokens, cost) grouped by workflow, version, model and/or day, and as a series
 * over time, from what each call attempt was charged (llm_charges: failed attempts included), so
 * the sums equal the journal's. Top runs, latency and error rates are in ./usage-insights.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import { CHARGES_FROM, chargeWhere, GROUP_SQL, groupKey, SERIES_GROUPS, type ChargeFilter, type SeriesGroup } from "./usage-sql";
import { bucketCount, bucketStarts, MAX_USAGE_BUCKETS, type UsageBucket, type UsageRangePreset, type UsageWindow } from "./usage-range";
import type { TopRun, UsageErrors, UsageLatency } from "./usage-insights";
import type { BudgetPolicyWithUsage } from "./budget-policy-store";

export const USAGE_GROUPS = ["workflow", "version", "model", "day"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageFilter extends ChargeFilter {
  /** A preset window ending now (`1h`, `24h`, `7d`, `30d`); not with `from`/`to` */
  range?: UsageRangePreset;
  /** Series bucket size. @defaultValue chosen from the window (minute up to 3 h, hour up to 8 days, else day) */
  bucket?: UsageBucket;
  /** @defaultValue [] (one row with the totals). `version` groups by workflow too. */
  groupBy?: UsageGroup[];
  /** How many top runs by cost. @defaultValue 10 */
  top?: number;
}

export interface UsageTotals {
  calls: number;
  /** Attempts that failed or timed out (charged too) */
  failedCalls: number;
  /** Input tokens, cached ones included (as the GenAI conventions count them) */
  inputTokens: number;
  /** The part of inputTokens read from the providers' prompt caches (charged at the cached-input price) */
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface UsageRow extends UsageTotals {
  /** The row's group without the day, e.g. "gpt-4o-mini" or "freight-quote v2" ("all" without groups) */
  key: string;
  workflow?: string;
  version?: number;
  model?: string | null;
  /** UTC day, yyyy-mm-dd */
  day?: string;
}

export interface UsageSeriesGroup extends UsageTotals {
  key: string;
}

export interface UsageSeriesPoint {
  /** ISO start of the bucket (UTC, aligned like Postgres date_bin) */
  start: string;
  /** The groups with calls in this bucket (none: a quiet bucket) */
  groups: UsageSeriesGroup[];
}

/** GET /api/v1/usage: everything the cost dashboard shows, over one filter. */
export interface UsageReport {
  groupBy: UsageGroup[];
  /** The window the figures cover (ISO times; null: unbounded) and the series' bucket */
  window: { from: string | null; to: string | null; bucket: UsageBucket; range: UsageRangePreset | null };
  rows: UsageRow[];
  totals: UsageTotals;
  /** Every bucket of the window, oldest first */
  series: UsageSeriesPoint[];
  topRuns: TopRun[];
  latency: UsageLatency;
  errors: UsageErrors;
  /** Workflow and global budgets with their current period's spend (today / this month, UTC) */
  budgets: BudgetPolicyWithUsage[];
}

interface AggregateRow {
  workflow?: string;
  version?: number;
  model?: string | null;
  day?: string;
  calls: number;
  failed_calls: number;
  input_tokens: string;
  cached_input_tokens: string;
  output_tokens: string;
  cost_usd: string;
}

const AGGREGATES = `count(*)::int AS calls, (count(*) FILTER (WHERE c.status <> 'succeeded'))::int AS failed_calls,
      coalesce(sum(c.input_tokens), 0)::text AS input_tokens, coalesce(sum(c.cached_input_tokens), 0)::text AS cached_input_tokens,
      coalesce(sum(c.output_tokens), 0)::text AS output_tokens,
      coalesce(sum(c.cost_usd), 0)::text AS cost_usd`;

const toTotals = (row: AggregateRow): UsageTotals => {
  const inputTokens = Number(row.input_tokens);
  const outputTokens = Number(row.output_tokens);
  return {
    calls: row.calls,
    failedCalls: row.failed_calls,
    inputTokens,
    cachedInputTokens: Number(row.cached_input_tokens),
    outputTokens,
    totalTokens: inputTokens + outputTokens,
    costUsd: Number(row.cost_usd),
  };
};

export const EMPTY_TOTALS: UsageTotals = { calls: 0, failedCalls: 0, inputTokens: 0, cachedInputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 };

/** Sums in micro-dollars (the column's scale), so float noise never appears in the totals. */
export function addTotals(sum: UsageTotals, row: UsageTotals): UsageTotals {
  return {
    calls: sum.calls + row.calls,
    failedCalls: sum.failedCalls + row.failedCalls,
    inputTokens: sum.inputTokens + row.inputTokens,
    cachedInputTokens: sum.cachedInputTokens + row.cachedInputTokens,
    outputTokens: sum.outputTokens + row.outputTokens,
    totalTokens: sum.totalTokens + row.totalTokens,
    costUsd: Math.round(sum.costUsd * 1e6 + row.costUsd * 1e6) / 1e6,
  };
}

/** The groups asked for, deduplicated, in a fixed order; a version is only meaningful with its workflow. */
export function normalizeGroups(groupBy: readonly UsageGroup[] = []): UsageGroup[] {
  const wanted = new Set(groupBy.filter((group) => USAGE_GROUPS.includes(group)));
  if (wanted.has("version")) wanted.add("workflow");
  return USAGE_GROUPS.filter((group) => wanted.has(group));
}

const seriesGroupsOf = (groups: UsageGroup[]) => groups.filter((group): group is SeriesGroup => (SERIES_GROUPS as readonly string[]).includes(group));

/** Calls, tokens and cost per group (`rows`, biggest cost first) and in all (`totals`). */
export async function queryUsageRows(db: Db, filter: ChargeFilter, groupBy: UsageGroup[]): Promise<{ rows: UsageRow[]; totals: UsageTotals }> {
  const selected = groupBy.map((group) => `${GROUP_SQL[group]} AS "${group}"`);
  const grouped = groupBy.map((group) => GROUP_SQL[group]);
  const where = chargeWhere(filter);
  const text = `SELECT ${[...selected, ""].join(", ")} ${AGGREGATES}
    FROM ${CHARGES_FROM}
    WHERE ${where.sql}
    ${grouped.length ? `GROUP BY ${grouped.join(", ")} ORDER BY sum(c.cost_usd) DESC, ${grouped.join(", ")}` : ""}`;
  const { rows } = await withConnectionRetry(() => db.pool.query<AggregateRow>(text, where.values));
  const keyGroups = seriesGroupsOf(groupBy);
  // Without groupBy, an aggregate over no calls still returns one row: leave it out.
  const usageRows = rows.filter((row) => row.calls > 0).map((row) => {
    const usage: UsageRow = { key: groupKey(row, keyGroups), ...toTotals(row) };
    for (const group of groupBy) Object.assign(usage, { [group]: row[group] });
    return usage;
  });
  return { rows: usageRows, totals: usageRows.reduce(addTotals, EMPTY_TOTALS) };
}

const BUCKET_INTERVAL: Record<UsageBucket, string> = { minute: "1 minute", hour: "1 hour", day: "1 day" };

/**
 * Calls, tokens and cost per bucket of `window` and per group; every bucket is listed (quiet ones
 * with no groups). Without a start, or when the window holds more than MAX_USAGE_BUCKETS, the
 * series starts at the first call.
 */
export async function queryUsageSeries(db: Db, filter: ChargeFilter, window: UsageWindow, groupBy: UsageGroup[], now: Date): Promise<UsageSeriesPoint[]> {
  const keyGroups = seriesGroupsOf(groupBy);
  const where = chargeWhere(filter);
  const interval = `$${where.values.length + 1}::interval`;
  const selected = keyGroups.map((group) => `${GROUP_SQL[group]} AS "${group}"`);
  const text = `SELECT date_bin(${interval}, c.charged_at, TIMESTAMPTZ 'epoch') AS start, ${[...selected, ""].join(", ")} ${AGGREGATES}
    FROM ${CHARGES_FROM}
    WHERE ${where.sql}
    GROUP BY ${["1", ...keyGroups.map((group) => GROUP_SQL[group])].join(", ")}
    ORDER BY 1, sum(c.cost_usd) DESC`;
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<AggregateRow & { start: Date }>(text, [...where.values, BUCKET_INTERVAL[window.bucket]]),
  );
  const byStart = new Map<number, UsageSeriesGroup[]>();
  for (const row of rows) {
    const groups = byStart.get(row.start.getTime()) ?? [];
    groups.push({ key: groupKey(row, keyGroups), ...toTotals(row) });
    byStart.set(row.start.getTime(), groups);
  }
  const end = window.to ?? now;
  const first = window.from && bucketCount(window.from, end, window.bucket) <= MAX_USAGE_BUCKETS ? window.from : rows[0]?.start;
  const starts = first ? bucketStarts(first, end, window.bucket) : [];
  const listed = new Set(starts.map((start) => start.getTime()));
  // Calls dated after `now` (clock skew between processes) still count: keep their buckets.
  const extra = [...byStart.keys()].filter((time) => !listed.has(time)).map((time) => new Date(time));
  return [...starts, ...extra]
    .sort((a, b) => a.getTime() - b.getTime())
    .map((start) => ({ start: start.toISOString(), groups: byStart.get(start.getTime()) ?? [] }));
}
