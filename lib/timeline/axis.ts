/**
 * The time axis under a waterfall: a span from the run's start to its end (or `now`), with
 * "nice" tick steps (1, 2, 5 × 10^n ms, then minutes, hours, days) so labels read as round numbers.
 */
import { formatDuration } from "./format-duration";
import type { AxisTick, TimelineAxis } from "./types";

const NICE_STEPS_MS = [
  1, 2, 5, 10, 20, 50, 100, 200, 250, 500,
  1_000, 2_000, 5_000, 10_000, 15_000, 30_000,
  60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000,
  86_400_000, 172_800_000, 604_800_000,
];

/** Smallest axis span, so an instant run still gets a readable axis instead of a zero division. */
export const MIN_AXIS_MS = 10;

/**
 * Builds the axis for [startMs, endMs] with about `targetTicks` ticks.
 * @param targetTicks - @defaultValue 6
 */
export function buildAxis(startMs: number, endMs: number, targetTicks = 6): TimelineAxis {
  const durationMs = Math.max(endMs - startMs, MIN_AXIS_MS);
  const rawStep = durationMs / Math.max(targetTicks, 1);
  const step = NICE_STEPS_MS.find((candidate) => candidate >= rawStep) ?? Math.ceil(rawStep / 86_400_000) * 86_400_000;
  const ticks: AxisTick[] = [];
  for (let offset = 0; offset <= durationMs + 1e-9; offset += step) {
    ticks.push({ offsetMs: offset, leftPct: toPct(offset, durationMs), label: tickLabel(offset, step) });
  }
  return { startMs, endMs: startMs + durationMs, durationMs, ticks };
}

/** Tick labels are exact: 1250 on a 250 ms grid reads "1.25s", not a rounded "1.3s". */
function tickLabel(offsetMs: number, stepMs: number): string {
  if (offsetMs === 0) return "0";
  if (offsetMs >= 1000 && offsetMs < 60_000 && stepMs % 1000 !== 0) return `${Number((offsetMs / 1000).toFixed(3))}s`;
  return formatDuration(offsetMs);
}

/** A share of the axis in percent, clamped to [0, 100] and rounded to 0.01 for stable output. */
export function toPct(offsetMs: number, axisMs: number): number {
  const pct = (offsetMs / axisMs) * 100;
  return Math.round(Math.min(100, Math.max(0, pct)) * 100) / 100;
}
