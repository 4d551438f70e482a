/**
 * The usage report's series as rows a stacked chart draws: one row per bucket with a value per
 * group. The costliest groups get their own band; the rest are summed as "Other", so a chart stays
 * readable with dozens of models or workflows. Pure, unit-tested.
 */
import type { UsageRow, UsageSeriesPoint } from "../../../../lib/data/usage-queries";

/** Bands of a stacked chart before the rest becomes "Other". @defaultValue 6 */
export const MAX_BANDS = 6;
export const OTHER_KEY = "Other";

export type ChartRow = { start: string } & Record<string, number | string>;

export interface StackedSeries {
  /** Band names, costliest first ("Other" last) */
  keys: string[];
  rows: ChartRow[];
}

/** The bands: the groups by cost (the report's rows are sorted costliest first), then "Other". */
export function bandKeys(rows: UsageRow[], max = MAX_BANDS): string[] {
  const keys = [...new Set(rows.map((row) => row.key))];
  return keys.length <= max ? keys : [...keys.slice(0, max - 1), OTHER_KEY];
}

/** Each bucket's cost per band (USD). */
export function costByGroup(points: UsageSeriesPoint[], rows: UsageRow[], max = MAX_BANDS): StackedSeries {
  const keys = bandKeys(rows, max);
  const own = new Set(keys.filter((key) => key !== OTHER_KEY));
  return {
    keys,
    rows: points.map((point) => {
      const row: ChartRow = { start: point.start };
      for (const key of keys) row[key] = 0;
      for (const group of point.groups) {
        const band = own.has(group.key) ? group.key : OTHER_KEY;
        // Micro-dollars, so stacked sums show no float noise in the tooltip.
        row[band] = Math.round(((row[band] as number) ?? 0) * 1e6 + group.costUsd * 1e6) / 1e6;
      }
      return row;
    }),
  };
}

/** The token series, stacked bottom to top: together they are all the tokens of a bucket. */
export const TOKEN_KINDS = ["Cached input", "Uncached input", "Output"] as const;

/**
 * Each bucket's tokens over all groups by kind: input read from the providers' prompt caches,
 * the rest of the input, and output (input tokens include the cached ones, so they are split
 * rather than drawn twice).
 */
export function tokensByKind(points: UsageSeriesPoint[]): StackedSeries {
  const sum = (groups: UsageSeriesPoint["groups"], of: (group: UsageSeriesPoint["groups"][number]) => number) =>
    groups.reduce((total, group) => total + of(group), 0);
  return {
    keys: [...TOKEN_KINDS],
    rows: points.map((point) => {
      const cached = sum(point.groups, (group) => group.cachedInputTokens);
      return {
        start: point.start,
        "Cached input": cached,
        "Uncached input": sum(point.groups, (group) => group.inputTokens) - cached,
        Output: sum(point.groups, (group) => group.outputTokens),
      };
    }),
  };
}
