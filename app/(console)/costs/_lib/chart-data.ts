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

/** Each bucket's input and output tokens over all groups. */
export function tokensByKind(points: UsageSeriesPoint[]): StackedSeries {
  return {
    keys: ["Input", "Output"],
    rows: points.map((point) => ({
      start: point.start,
      Input: point.groups.reduce((sum, group) => sum + group.inputTokens, 0),
      Output: point.groups.reduce((sum, group) => sum + group.outputTokens, 0),
    })),
  };
}
