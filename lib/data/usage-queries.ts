/**
 * LLM usage (calls, tokens, cost) grouped by workflow, version, model and/or day, from what each
 * call attempt was charged (llm_charges: failed attempts included), so the sums equal the journal's.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";

export const USAGE_GROUPS = ["workflow", "version", "model", "day"] as const;
export type UsageGroup = (typeof USAGE_GROUPS)[number];

export interface UsageFilter {
  /** Calls that started at or after this time */
  from?: Date;
  /** Calls that started before this time */
  to?: Date;
  workflow?: string;
  version?: number;
  model?: string;
  /** @defaultValue [] (one row with the totals) */
  groupBy?: UsageGroup[];
}

export interface UsageTotals {
  calls: number;
  /** Attempts that failed or timed out (charged too) */
  failedCalls: number;
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface UsageRow extends UsageTotals {
  workflow?: string;
  version?: number;
  model?: string | null;
  /** UTC day, yyyy-mm-dd */
  day?: string;
}

export interface UsageReport {
  groupBy: UsageGroup[];
  rows: UsageRow[];
  totals: UsageTotals;
}

/** SQL of each grouping; whitelisted, so user input never reaches the statement text. */
const GROUP_SQL: Record<UsageGroup, string> = {
  workflow: "r.workflow_name",
  version: "r.workflow_version",
  model: "c.model",
  day: "to_char(c.charged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
};

interface Row {
  workflow?: string;
  version?: number;
  model?: string | null;
  day?: string;
  calls: number;
  failed_calls: number;
  input_tokens: string;
  output_tokens: string;
  cost_usd: string;
}

const toTotals = (row: Row): UsageTotals => {
  const inputTokens = Number(row.input_tokens);
  const outputTokens = Number(row.output_tokens);
  return { calls: row.calls, failedCalls: row.failed_calls, inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, costUsd: Number(row.cost_usd) };
};

export async function queryUsage(db: Db, filter: UsageFilter = {}): Promise<UsageReport> {
  const groupBy = [...new Set(filter.groupBy ?? [])].filter((group) => USAGE_GROUPS.includes(group));
  const selected = groupBy.map((group) => `${GROUP_SQL[group]} AS "${group}"`);
  const grouped = groupBy.map((group) => GROUP_SQL[group]);
  const text = `SELECT ${[...selected, ""].join(", ")}
      count(*)::int AS calls, (count(*) FILTER (WHERE c.status <> 'succeeded'))::int AS failed_calls,
      coalesce(sum(c.input_tokens), 0)::text AS input_tokens, coalesce(sum(c.output_tokens), 0)::text AS output_tokens,
      coalesce(sum(c.cost_usd), 0)::text AS cost_usd
    FROM llm_charges c JOIN runs r ON r.id = c.run_id
    WHERE ($1::timestamptz IS NULL OR c.charged_at >= $1) AND ($2::timestamptz IS NULL OR c.charged_at < $2)
      AND ($3::text IS NULL OR r.workflow_name = $3) AND ($4::int IS NULL OR r.workflow_version = $4)
      AND ($5::text IS NULL OR c.model = $5)
    ${grouped.length ? `GROUP BY ${grouped.join(", ")} ORDER BY ${grouped.join(", ")}` : ""}`;
  const values = [filter.from ?? null, filter.to ?? null, filter.workflow ?? null, filter.version ?? null, filter.model ?? null];
  const { rows } = await withConnectionRetry(() => db.pool.query<Row>(text, values));
  // Without groupBy, an aggregate over no calls still returns one row: leave it out.
  const usageRows = rows.filter((row) => row.calls > 0).map((row) => {
    const usage: UsageRow = toTotals(row);
    for (const group of groupBy) Object.assign(usage, { [group]: row[group] });
    return usage;
  });
  const totals = usageRows.reduce<UsageTotals>(
    (sum, row) => ({
      calls: sum.calls + row.calls,
      failedCalls: sum.failedCalls + row.failedCalls,
      inputTokens: sum.inputTokens + row.inputTokens,
      outputTokens: sum.outputTokens + row.outputTokens,
      totalTokens: sum.totalTokens + row.totalTokens,
      // Summed in micro-dollars (the column's scale), so float noise never appears in the totals.
      costUsd: Math.round(sum.costUsd * 1e6 + row.costUsd * 1e6) / 1e6,
    }),
    { calls: 0, failedCalls: 0, inputTokens: 0, outputTokens: 0, totalTokens: 0, costUsd: 0 },
  );
  return { groupBy, rows: usageRows, totals };
}
