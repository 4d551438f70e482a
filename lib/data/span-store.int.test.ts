/**
 * The span store on a real database: a re-sent span is stored once, a trace reads back in start
 * order with exact times, search filters by service, model and status with stable paging, and
 * export counters add up across worker processes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SpanRecord } from "../telemetry/span-record";
import { createTestDatabase, type TestDatabase } from "../testing/database";
import { insertSpans, listTraceFacets, listTraceSpans, readExportStats, saveExportStats, searchTraces } from "./span-store";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase("span_store");
});
afterAll(async () => t?.drop());

const BASE = 1_800_000_000_000_000_000n;
let spanCounter = 0;
function span(traceNo: number, overrides: Partial<SpanRecord> & { offsetMs?: number } = {}): SpanRecord {
  const { offsetMs = 0, ...rest } = overrides;
  const start = BASE + BigInt(traceNo) * 1_000_000_000n + BigInt(offsetMs) * 1_000_000n + 123n;
  spanCounter++;
  return {
    traceId: traceNo.toString(16).padStart(32, "0"),
    spanId: spanCounter.toString(16).padStart(16, "0"),
    parentSpanId: null,
    name: `span ${spanCounter}`,
    kind: "internal",
    serviceName: "svc-a",
    scopeName: null,
    scopeVersion: null,
    startUnixNano: start.toString(),
    endUnixNano: (start + 2_500_000n).toString(),
    statusCode: "unset",
    statusMessage: null,
    attributes: { "nul.char": "a\u0000b" },
    resourceAttributes: { "service.name": "svc-a" },
    events: [],
    links: [],
    runId: null,
    genAi: { operation: null, provider: null, requestModel: null, responseModel: null, inputTokens: null, outputTokens: null, costUsd: null },
    ...rest,
  };
}

describe("span store", () => {
  it("stores a span once however often it is sent, and reads a trace back in start order", async () => {
    const root = span(1, { name: "invoke_workflow demo", runId: "run_x" });
    const chat = span(1, {
      name: "chat gpt-4o-mini",
      kind: "client",
      parentSpanId: root.spanId,
      offsetMs: 5,
      runId: "run_x",
      genAi: { operation: "chat", provider: "openai", requestModel: "gpt-4o-mini", responseModel: "gpt-4o-mini-2024", inputTokens: 10, outputTokens: 5, costUsd: 0.000123 },
    });
    expect(await insertSpans(t.db, [chat, root])).toBe(2);
    expect(await insertSpans(t.db, [chat])).toBe(0);
    const spans = await listTraceSpans(t.db, { traceId: root.traceId });
    expect(spans.map((s) => s.name)).toEqual(["invoke_workflow demo", "chat gpt-4o-mini"]);
    expect(spans[1]).toMatchObject({
      parentSpanId: root.spanId,
      startUnixNano: chat.startUnixNano,
      durationMs: 2.5,
      genAi: { inputTokens: 10, outputTokens: 5, costUsd: 0.000123, responseModel: "gpt-4o-mini-2024" },
      attributes: { "nul.char": "a\uFFFDb" },
    });
    expect((await listTraceSpans(t.db, { runId: "run_x" })).length).toBe(2);
  });

  it("searches traces by service, model and status, newest first, page by page", async () => {
    await insertSpans(t.db, [
      span(10, { serviceName: "svc-b", genAi: { ...span(0).genAi, requestModel: "claude-sonnet-4-6" } }),
      span(11, { serviceName: "svc-b", statusCode: "error" }),
      span(12, { serviceName: "svc-b" }),
    ]);
    const byService = await searchTraces(t.db, { service: "svc-b" });
    expect(byService.traces.map((tr) => tr.traceId.slice(-2))).toEqual(["0c", "0b", "0a"]);
    expect((await searchTraces(t.db, { model: "claude-sonnet-4-6" })).traces.map((tr) => tr.models)).toEqual([["claude-sonnet-4-6"]]);
    expect((await searchTraces(t.db, { service: "svc-b", status: "error" })).traces.map((tr) => tr.status)).toEqual(["error"]);
    expect((await searchTraces(t.db, { service: "svc-b", status: "ok" })).traces).toHaveLength(2);

    const first = await searchTraces(t.db, { service: "svc-b", limit: 2 });
    const second = await searchTraces(t.db, { service: "svc-b", limit: 2, cursor: first.nextCursor! });
    expect([...first.traces, ...second.traces].map((tr) => tr.traceId)).toEqual(byService.traces.map((tr) => tr.traceId));
    expect(second.nextCursor).toBeNull();

    const all = await searchTraces(t.db, {});
    const demo = all.traces.find((tr) => tr.rootName === "invoke_workflow demo");
    expect(demo).toMatchObject({ rootPresent: true, spanCount: 2, inputTokens: 10, outputTokens: 5, costUsd: 0.000123, runId: "run_x" });
    expect(await listTraceFacets(t.db)).toMatchObject({ services: ["svc-a", "svc-b"], models: expect.arrayContaining(["gpt-4o-mini", "claude-sonnet-4-6"]) });
    await expect(searchTraces(t.db, { cursor: "bogus" })).rejects.toThrow(/not a trace cursor/);
  });

  it("adds up export counters of every worker per destination, keeping the newest error", async () => {
    const row = (destination: string, exported: number, dropped: number, lastError: string | null) => ({
      destination,
      exported,
      dropped,
      droppedQueueFull: dropped,
      failedExports: 0,
      lastError,
    });
    await saveExportStats(t.db, "worker-1", [row("console", 10, 0, null), row("otlp x", 4, 6, "connect ECONNREFUSED")]);
    await saveExportStats(t.db, "worker-2", [row("console", 5, 1, null)]);
    await saveExportStats(t.db, "worker-1", [row("console", 12, 0, null), row("otlp x", 4, 9, null)]);
    const stats = await readExportStats(t.db);
    expect(stats).toEqual([
      expect.objectContaining({ destination: "console", exported: 17, dropped: 1, processes: 2, lastError: null }),
      expect.objectContaining({ destination: "otlp x", exported: 4, dropped: 9, processes: 1, lastError: "connect ECONNREFUSED" }),
    ]);
  });
});
