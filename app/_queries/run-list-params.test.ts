import { describe, expect, it } from "vitest";
import { parseRunListParams, runsApiUrl, runsPageHref, toRunFilter } from "./run-list-params";
import { applyTimeRange } from "./runs";

const NOW = new Date("2026-11-23T12:00:00.000Z");

describe("run list params", () => {
  it("reads filters from the URL and drops malformed ones", () => {
    expect(parseRunListParams({ workflow: "freight-quote", version: "2", status: "failed,bogus", q: " run_12 ", range: "24h" })).toEqual({
      workflow: "freight-quote",
      version: 2,
      status: ["failed"],
      search: "run_12",
      range: "24h",
    });
    expect(parseRunListParams({ version: "-1", range: "forever", status: "" })).toEqual({});
  });

  it("expands the 'active' shortcut", () => {
    expect(parseRunListParams({ status: "active" }).status).toEqual(["queued", "running", "waiting"]);
  });

  it("asks the API for the same runs the server page rendered", () => {
    const params = parseRunListParams({ workflow: "freight-quote", status: "queued,running", q: "ACME", range: "1h", cursor: "abc" });
    const filter = toRunFilter(params, NOW);
    expect(filter.createdAfter?.toISOString()).toBe("2026-11-23T11:00:00.000Z");
    const url = new URL(runsApiUrl(params, NOW), "http://x");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      workflow: "freight-quote",
      status: "queued,running",
      search: "ACME",
      createdAfter: "2026-11-23T11:00:00.000Z",
      cursor: "abc",
      limit: "50",
    });
  });

  it("builds page links that start a new filter at page one", () => {
    expect(runsPageHref({ workflow: "a", cursor: "c1" }, { status: ["failed"] })).toBe("/runs?workflow=a&status=failed");
    expect(runsPageHref({ workflow: "a" }, { cursor: "c2" })).toBe("/runs?workflow=a&cursor=c2");
    expect(runsPageHref({})).toBe("/runs");
  });

  it("keeps a polled page inside the time range", () => {
    const run = (id: string, createdAt: string) => ({ id, createdAt }) as never;
    const page = { runs: [run("new", "2026-11-23T11:30:00Z"), run("old", "2026-11-23T10:00:00Z")], nextCursor: "c" };
    expect(applyTimeRange(page, new Date("2026-11-23T11:00:00Z"))).toEqual({ runs: [page.runs[0]], nextCursor: null });
    expect(applyTimeRange(page, undefined)).toBe(page);
  });
});
