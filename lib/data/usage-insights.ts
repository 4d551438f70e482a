/**
 * The cost dashboard's other figures over the same filter as ./usage-queries: the runs that cost
 * the most, LLM-call and step latency at p50/p95 (Postgres percentile_cont, interpolated), and
 * error rates of LLM attempts, steps and runs. Times come from the journal (journal_entries,
 * step_attempts); the model filter narrows steps and runs to runs that called that model.
 */
import type { Db } from "./db";
import { withConnectionRetry } from "./db";
import { CHARGES_FROM, chargeWhere, GROUP_SQL, groupKey, MODEL_SQL, type ChargeFilter, type SeriesGroup } from "./usage-sql";

export interface TopRun {
  runId: string;
  workflow: string;
  version: number;
  status: string;
  createdAt: string;
  /** LLM call attempts of this run in the window */
  calls: number;
  inputTokens: number;
  /** The part of inputTokens read from the providers' prompt caches */
  cachedInputTokens: number;
  outputTokens: number;
  totalTokens: number;
  costUsd: number;
}

export interface LatencyStats {
  /** How many durations the percentiles are over */
  count: number;
  /** Milliseconds; null without any duration */
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface GroupLatency extends LatencyStats {
  key: string;
}

export interface UsageLatency {
  /** Each LLM call attempt (failed ones too), as long as the provider took */
  llm: LatencyStats;
  /** LLM call attempts per group of the report */
  llmByGroup: GroupLatency[];
  /** Each ended step of kind `step`, from its first attempt's start to its end (retries included) */
  steps: LatencyStats;
}

export interface ErrorRate {
  total: number;
  failed: number;
  /** failed / total; null when total is 0 */
  rate: number | null;
}

export interface UsageErrors {
  /** LLM call attempts that failed or timed out / all attempts */
  llmCalls: ErrorRate;
  /** Steps (kind `step`) that ended failed / steps that ended */
  steps: ErrorRate;
  /** Runs that ended failed / runs that ended (succeeded, failed or cancelled) */
  runs: ErrorRate;
}

export const errorRate = (total: number, failed: number): ErrorRate => ({ total, failed, rate: total > 0 ? failed / total : null });

const round = (ms: number | null) => (ms === null ? null : Math.round(ms * 10) / 10);

/** The runs with the highest LLM cost in the window (ties: newest first). */
export async function queryTopRuns(db: Db, filter: ChargeFilter, limit: number): Promise<TopRun[]> {
  const where = chargeWhere(filter);
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ run_id: string; workflow: string; version: number; status: string; created_at: Date; calls: number; input_tokens: string; cached_input_tokens: string; output_tokens: string; cost_usd: string }>(
      `SELECT c.run_id, r.workflow_name AS workflow, r.workflow_version AS version, r.status, r.created_at, count(*)::int AS calls,
         sum(c.input_tokens)::text AS input_tokens, sum(c.cached_input_tokens)::text AS cached_input_tokens,
         sum(c.output_tokens)::text AS output_tokens, sum(c.cost_usd)::text AS cost_usd
       FROM ${CHARGES_FROM}
       WHERE ${where.sql}
       GROUP BY c.run_id, r.workflow_name, r.workflow_version, r.status, r.created_at
       ORDER BY sum(c.cost_usd) DESC, r.created_at DESC, c.run_id
       LIMIT $6`,
      [...where.values, limit],
    ),
  );
  return rows.map((row) => {
    const inputTokens = Number(row.input_tokens);
    const outputTokens = Number(row.output_tokens);
    return {
      runId: row.run_id,
      workflow: row.workflow,
      version: row.version,
      status: row.status,
      createdAt: row.created_at.toISOString(),
      calls: row.calls,
      inputTokens,
      cachedInputTokens: Number(row.cached_input_tokens),
      outputTokens,
      totalTokens: inputTokens + outputTokens,
      costUsd: Number(row.cost_usd),
    };
  });
}

const PERCENTILES = `count(ms)::int AS count,
  percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50,
  percentile_cont(0.95) WITHIN GROUP (ORDER BY ms) AS p95`;

interface PercentileRow {
  count: number;
  p50: number | null;
  p95: number | null;
}

const toStats = (row: PercentileRow | undefined): LatencyStats => ({ count: row?.count ?? 0, p50Ms: round(row?.p50 ?? null), p95Ms: round(row?.p95 ?? null) });

/**
 * LLM call attempt durations, keyed like the charges (same filter and groups): a failed attempt's
 * from step_attempts, the final one's from the journal's latency. Attempts still in flight have none.
 */
export async function queryLlmLatency(db: Db, filter: ChargeFilter, groups: readonly SeriesGroup[]): Promise<{ all: LatencyStats; byGroup: GroupLatency[] }> {
  const where = chargeWhere(filter);
  const columns = groups.map((group) => `${GROUP_SQL[group]} AS "${group}"`);
  const text = `WITH attempts AS (
      SELECT ${[...columns, ""].join(", ")}
        CASE WHEN a.id IS NOT NULL THEN extract(epoch FROM a.finished_at - a.started_at) * 1000
             WHEN s.attempts = c.attempt AND s.status IN ('succeeded', 'failed')
               THEN coalesce(s.latency_ms, extract(epoch FROM s.finished_at - s.started_at) * 1000) END::float8 AS ms
      FROM ${CHARGES_FROM}
      LEFT JOIN step_attempts a ON a.run_id = c.run_id AND a.seq = c.seq AND a.attempt = c.attempt
      WHERE ${where.sql}
    )
    SELECT ${[...groups.map((group) => `"${group}"`), ""].join(", ")} ${PERCENTILES}${groups.length ? `, GROUPING(${groups.map((g) => `"${g}"`).join(", ")}) AS rollup` : ", 0 AS rollup"}
    FROM attempts
    ${groups.length ? `GROUP BY GROUPING SETS ((), (${groups.map((group) => `"${group}"`).join(", ")}))` : ""}
    ORDER BY count(ms) DESC`;
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<PercentileRow & { rollup: number; workflow?: string; version?: number; model?: string | null }>(text, where.values),
  );
  // GROUPING() is 0 for the grouped rows and has every bit set for the grand total.
  const all = groups.length ? rows.find((row) => row.rollup !== 0) : rows[0];
  const byGroup = groups.length
    ? rows.filter((row) => row.rollup === 0 && row.count > 0).map((row) => ({ key: groupKey(row, groups), ...toStats(row) }))
    : [];
  return { all: toStats(all), byGroup };
}

/** The filter of a run (r): workflow, version, and "called this model" ($3–$5, as in chargeWhere). */
const RUN_FILTER = `($3::text IS NULL OR r.workflow_name = $3) AND ($4::int IS NULL OR r.workflow_version = $4)
  AND ($5::text IS NULL OR EXISTS (
    SELECT 1 FROM llm_charges c LEFT JOIN journal_entries s ON s.run_id = c.run_id AND s.seq = c.seq
    WHERE c.run_id = r.id AND ${MODEL_SQL} = $5))`;

/** Ended steps of kind `step` that started in the window: their duration percentiles and failures. */
export async function queryStepStats(db: Db, filter: ChargeFilter): Promise<{ latency: LatencyStats; errors: ErrorRate }> {
  const { values } = chargeWhere(filter);
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<PercentileRow & { ended: number; failed: number }>(
      `WITH steps AS (
         SELECT j.status, (extract(epoch FROM j.finished_at - j.started_at) * 1000)::float8 AS ms
         FROM journal_entries j JOIN runs r ON r.id = j.run_id
         WHERE j.kind = 'step' AND j.status IN ('succeeded', 'failed')
           AND ($1::timestamptz IS NULL OR j.started_at >= $1) AND ($2::timestamptz IS NULL OR j.started_at < $2) AND ${RUN_FILTER}
       )
       SELECT ${PERCENTILES}, count(*)::int AS ended, (count(*) FILTER (WHERE status = 'failed'))::int AS failed FROM steps`,
      values,
    ),
  );
  const row = rows[0];
  return { latency: toStats(row), errors: errorRate(row?.ended ?? 0, row?.failed ?? 0) };
}

/** Runs that ended in the window: how many, and how many failed. */
export async function queryRunErrors(db: Db, filter: ChargeFilter): Promise<ErrorRate> {
  const { values } = chargeWhere(filter);
  const { rows } = await withConnectionRetry(() =>
    db.pool.query<{ ended: number; failed: number }>(
      `SELECT count(*)::int AS ended, (count(*) FILTER (WHERE r.status = 'failed'))::int AS failed
       FROM runs r
       WHERE r.status IN ('succeeded', 'failed', 'cancelled')
         AND ($1::timestamptz IS NULL OR coalesce(r.finished_at, r.updated_at) >= $1)
         AND ($2::timestamptz IS NULL OR coalesce(r.finished_at, r.updated_at) < $2) AND ${RUN_FILTER}`,
      values,
    ),
  );
  return errorRate(rows[0]?.ended ?? 0, rows[0]?.failed ?? 0);
}
