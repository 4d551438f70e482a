import { describe, expect, it } from "vitest";
import type { UsageRow, UsageSeriesPoint } from "../../../../lib/data/usage-queries";
import { bandKeys, costByGroup, OTHER_KEY, tokensByKind } from "./chart-data";

const totals = (costUsd: number, inputTokens = 0, outputTokens = 0, cachedInputTokens = 0) => ({
  calls: 1,
  failedCalls: 0,
  inputTokens,
  cachedInputTokens,
  outputTokens,
  totalTokens: inputTokens + outputTokens,
  costUsd,
});
const row = (key: string, cost: number): UsageRow => ({ key, ...totals(cost) });

describe("chart data", () => {
  it("gives the costliest groups their own band and sums the rest as Other, keeping every bucket", () => {
    const rows = [row("a", 3), row("b", 2), row("c", 1), row("d", 0.5)];
    const points: UsageSeriesPoint[] = [
      { start: "2026-11-23T10:00:00.000Z", groups: [{ key: "a", ...totals(0.1) }, { key: "c", ...totals(0.2) }, { key: "d", ...totals(0.1) }] },
      { start: "2026-11-23T11:00:00.000Z", groups: [] },
    ];
    const stacked = costByGroup(points, rows, 3);
    expect(stacked.keys).toEqual(["a", "b", OTHER_KEY]);
    expect(stacked.rows).toEqual([
      { start: "2026-11-23T10:00:00.000Z", a: 0.1, b: 0, [OTHER_KEY]: 0.3 },
      { start: "2026-11-23T11:00:00.000Z", a: 0, b: 0, [OTHER_KEY]: 0 },
    ]);
    expect(bandKeys(rows, 4)).toEqual(["a", "b", "c", "d"]);
  });

  it("adds cached input, the rest of the input and output over the groups of each bucket, so the stack is every token once", () => {
    const points: UsageSeriesPoint[] = [
      { start: "s", groups: [{ key: "a", ...totals(0, 10, 5, 8) }, { key: "b", ...totals(0, 1, 2) }] },
      { start: "t", groups: [] },
    ];
    const tokens = tokensByKind(points);
    expect(tokens.keys).toEqual(["Cached input", "Uncached input", "Output"]);
    expect(tokens.rows).toEqual([
      { start: "s", "Cached input": 8, "Uncached input": 3, Output: 7 },
      { start: "t", "Cached input": 0, "Uncached input": 0, Output: 0 },
    ]);
  });
});
