import { describe, expect, it } from "vitest";
import { parseUsageParams, toUsageFilter, usageApiUrl, usagePageHref } from "./usage";

describe("the cost dashboard's URL state", () => {
  it("opens on the last 24 hours by model and drops malformed values instead of failing the page", () => {
    expect(parseUsageParams({})).toEqual({ range: "24h", groupBy: "model" });
    expect(parseUsageParams({ range: "90d", groupBy: "team", from: "yesterday" })).toEqual({ range: "24h", groupBy: "model" });
    // A custom range whose start is not before its end falls back to the preset.
    expect(parseUsageParams({ from: "2026-11-02T00:00:00Z", to: "2026-11-01T00:00:00Z" })).toEqual({ range: "24h", groupBy: "model" });
  });

  it("keeps a custom range and the grouping, and asks the API for the same report", () => {
    const params = parseUsageParams({ from: "2026-11-01T00:00:00Z", to: "2026-11-02T00:00:00Z", groupBy: "version", workflow: "freight-quote" });
    expect(params).toEqual({ from: "2026-11-01T00:00:00.000Z", to: "2026-11-02T00:00:00.000Z", groupBy: "version", workflow: "freight-quote" });
    expect(usageApiUrl(params)).toBe("/api/v1/usage?from=2026-11-01T00%3A00%3A00.000Z&to=2026-11-02T00%3A00%3A00.000Z&groupBy=version&workflow=freight-quote");
    expect(toUsageFilter(params)).toMatchObject({ from: new Date("2026-11-01T00:00:00Z"), groupBy: ["version"], workflow: "freight-quote" });
  });

  it("switches between a preset and a custom range without mixing them", () => {
    const custom = parseUsageParams({ from: "2026-11-01T00:00:00Z", groupBy: "model" });
    expect(usagePageHref(custom, { range: "7d" })).toBe("/costs?range=7d&groupBy=model");
    expect(usagePageHref({ range: "1h", groupBy: "model" }, { from: "2026-11-01T00:00:00.000Z" })).toBe("/costs?from=2026-11-01T00%3A00%3A00.000Z&groupBy=model");
    expect(usagePageHref({ range: "1h", groupBy: "model" }, { groupBy: "workflow" })).toBe("/costs?range=1h&groupBy=workflow");
  });
});
