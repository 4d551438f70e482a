/**
 * The SQL pieces every usage query shares: the filter over llm_charges (c) joined to runs (r),
 * with values always passed as parameters, and the whitelisted grouping expressions, so user
 * input never reaches a statement's text.
 */

export interface ChargeFilter {
  /** Calls that started at or after this time */
  from?: Date;
  /** Calls that started before this time */
  to?: Date;
  workflow?: string;
  version?: number;
  model?: string;
}

/**
 * The model of a charge as the workflow asked for it (`gpt-4o-mini`, `claude-sonnet-4-6`): the
 * journal's request model, else the name the price was found under (an attempt still in flight).
 */
export const MODEL_SQL = "coalesce(s.request_model, c.model)";

/** Charges (c) with their run (r) and journal entry (s). */
export const CHARGES_FROM = `llm_charges c JOIN runs r ON r.id = c.run_id
  LEFT JOIN journal_entries s ON s.run_id = c.run_id AND s.seq = c.seq`;

/** `$1`–`$5` over {@link CHARGES_FROM}: from, to, workflow, version, model (NULL: no filter); later parameters start at `$6`. */
export function chargeWhere(filter: ChargeFilter): { sql: string; values: unknown[] } {
  return {
    sql: `($1::timestamptz IS NULL OR c.charged_at >= $1) AND ($2::timestamptz IS NULL OR c.charged_at < $2)
      AND ($3::text IS NULL OR r.workflow_name = $3) AND ($4::int IS NULL OR r.workflow_version = $4)
      AND ($5::text IS NULL OR ${MODEL_SQL} = $5)`,
    values: [filter.from ?? null, filter.to ?? null, filter.workflow ?? null, filter.version ?? null, filter.model ?? null],
  };
}

/** SQL of each grouping (c: llm_charges, r: runs). */
export const GROUP_SQL = {
  workflow: "r.workflow_name",
  version: "r.workflow_version",
  model: MODEL_SQL,
  day: "to_char(c.charged_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
} as const;

/** The groupings a series or a latency figure can be split by (not the day: that is the time axis). */
export const SERIES_GROUPS = ["workflow", "version", "model"] as const;
export type SeriesGroup = (typeof SERIES_GROUPS)[number];

/** Shown for calls whose model is not known (no price and no model reported). */
export const UNKNOWN_MODEL = "(unknown model)";

/** A group's display key: "gpt-4o-mini", "freight-quote v2", "freight-quote v2 · gpt-4o" ("all" without groups). */
export function groupKey(row: { workflow?: string; version?: number; model?: string | null }, groups: readonly SeriesGroup[]): string {
  const parts: string[] = [];
  if (groups.includes("workflow")) parts.push(groups.includes("version") ? `${row.workflow} v${row.version}` : String(row.workflow));
  if (groups.includes("model")) parts.push(row.model ?? UNKNOWN_MODEL);
  return parts.length ? parts.join(" · ") : "all";
}
