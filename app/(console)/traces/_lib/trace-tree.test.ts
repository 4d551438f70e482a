import { describe, expect, it } from "vitest";
import type { SpanView } from "../../../../lib/data/span-store";
import { buildTraceTree } from "./trace-tree";

const T0 = 1_800_000_000_000n * 1_000_000n;
function span(id: string, parent: string | null, startMs: number, endMs: number, extra: Partial<SpanView> = {}): SpanView {
  const start = T0 + BigInt(startMs) * 1_000_000n;
  const end = T0 + BigInt(endMs) * 1_000_000n;
  return {
    traceId: "t".repeat(32),
    spanId: id,
    parentSpanId: parent,
    name: id,
    kind: "internal",
    serviceName: "svc",
    scopeName: null,
    startTime: "",
    endTime: "",
    startUnixNano: start.toString(),
    endUnixNano: end.toString(),
    durationMs: endMs - startMs,
    status: { code: "unset", message: null },
    attributes: {},
    resourceAttributes: {},
    events: [],
    links: [],
    runId: null,
    genAi: { operation: null, provider: null, requestModel: null, responseModel: null, inputTokens: null, outputTokens: null, costUsd: null },
    ...extra,
  };
}
const llm = (tokensIn: number, tokensOut: number, cost: number) => ({
  genAi: { operation: "chat", provider: "openai", requestModel: "gpt-4o-mini", responseModel: "gpt-4o-mini-2024", inputTokens: tokensIn, outputTokens: tokensOut, costUsd: cost },
});

describe("buildTraceTree", () => {
  it("orders spans depth-first by start time, with bars on one axis and GenAI totals", () => {
    const tree = buildTraceTree([
      span("chat-2", "root", 600, 1000, llm(20, 10, 0.002)),
      span("root", null, 0, 1000),
      span("step-1", "root", 0, 400),
      span("chat-1", "step-1", 100, 300, { ...llm(10, 5, 0.001), status: { code: "error", message: "429" } }),
    ]);
    expect(tree.rows.map((r) => [r.name, r.depth, r.childCount])).toEqual([
      ["root", 0, 2],
      ["step-1", 1, 1],
      ["chat-1", 2, 0],
      ["chat-2", 1, 0],
    ]);
    expect(tree.rows[0]).toMatchObject({ leftPct: 0, widthPct: 100 });
    expect(tree.rows[2]).toMatchObject({ leftPct: 10, widthPct: 20, status: "error", llm: { model: "gpt-4o-mini-2024", inputTokens: 10 } });
    expect(tree.rows[3]).toMatchObject({ leftPct: 60, widthPct: 40 });
    expect(tree.totals).toEqual({ spans: 4, llmCalls: 2, inputTokens: 30, outputTokens: 15, costUsd: 0.003, errors: 1 });
  });

  it("holds a running run's spans under a placeholder root until the root span arrives", () => {
    const tree = buildTraceTree([span("a", "root-id", 100, 200), span("b", "root-id", 300, 400)], {
      pendingRoot: { spanId: "root-id", name: "invoke_workflow demo", inProgress: true },
      now: Number(T0 / 1_000_000n) + 1000,
    });
    expect(tree.rows.map((r) => [r.name, r.depth, r.status])).toEqual([
      ["invoke_workflow demo", 0, "in_progress"],
      ["a", 1, "unset"],
      ["b", 1, "unset"],
    ]);
    expect(tree.axis.durationMs).toBe(900);
  });

  it("shows spans whose parent never arrived as roots, and survives a cycle", () => {
    const tree = buildTraceTree([span("x", "missing", 0, 10), span("y", "z", 0, 10), span("z", "y", 0, 10)]);
    expect(tree.rows.map((r) => [r.name, r.depth])).toEqual([["x", 0], ["y", 0], ["z", 1]]);
    expect(buildTraceTree([]).rows).toEqual([]);
  });
});
