import { describe, expect, it } from "vitest";
import type { ApprovalView, RunView, StepView } from "../data/views";
import { buildTimeline } from "./build-timeline";
import { buildAxis } from "./axis";
import { formatDuration } from "./format-duration";

const T0 = Date.parse("2026-11-23T10:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

function step(overrides: Partial<StepView> & Pick<StepView, "id" | "seq">): StepView {
  return {
    kind: "step",
    status: "succeeded",
    attempts: 1,
    sideEffect: false,
    startedAt: at(0),
    finishedAt: at(100),
    wakeAt: null,
    input: null,
    output: null,
    error: null,
    usage: null,
    attemptHistory: [],
    approval: null,
    ...overrides,
  };
}

function run(overrides: Partial<RunView> = {}): RunView {
  return {
    id: "run_1",
    workflow: "freight-quote",
    version: 1,
    status: "succeeded",
    requestedBy: "user:u1",
    createdAt: at(0),
    startedAt: at(0),
    finishedAt: at(1000),
    updatedAt: at(1000),
    stepCount: 0,
    totalTokens: 0,
    totalCostUsd: 0,
    error: null,
    forkedFromRunId: null,
    forkedAtStep: null,
    input: {},
    output: null,
    budget: null,
    wakeAt: null,
    deadlineAt: null,
    idempotencyKey: null,
    steps: [],
    ...overrides,
  };
}

function approval(overrides: Partial<ApprovalView> = {}): ApprovalView {
  return {
    id: "apr_1",
    runId: "run_1",
    stepId: "approve-quote",
    kind: "approval",
    status: "pending",
    summary: "Quote 2,450 USD for ACME",
    data: { quoteUsd: 2450 },
    payloadHash: "h",
    createdAt: at(200),
    expiresAt: null,
    decidedBy: null,
    decidedAt: null,
    comment: null,
    ...overrides,
  };
}

describe("buildTimeline", () => {
  it("draws each attempt of a retried step as its own bar, with backoff gaps and the errors", () => {
    const fetchRates = step({
      id: "fetch-rates",
      seq: 0,
      attempts: 3,
      startedAt: at(0),
      finishedAt: at(700),
      attemptHistory: [
        { attempt: 1, status: "failed", error: { name: "Error", message: "rates API 503" }, startedAt: at(0), finishedAt: at(100) },
        { attempt: 2, status: "timed_out", error: { name: "TimeoutError", message: "step timed out after 200ms" }, startedAt: at(300), finishedAt: at(500) },
        { attempt: 3, status: "succeeded", error: null, startedAt: at(600), finishedAt: at(700) },
      ],
    });
    const timeline = buildTimeline(run({ steps: [fetchRates] }), new Date(T0 + 5000));

    const [stepRow, ...attemptRows] = timeline.rows;
    expect(stepRow.type).toBe("step");
    expect(stepRow.status).toBe("succeeded");
    expect(stepRow.attemptCount).toBe(3);
    expect(stepRow.bars.map((b) => [b.kind, b.status, b.attempt])).toEqual([
      ["attempt", "failed", 1],
      ["backoff", "waiting", null],
      ["attempt", "timed_out", 2],
      ["backoff", "waiting", null],
      ["attempt", "succeeded", 3],
    ]);
    expect(stepRow.errors).toEqual([
      { attempt: 1, name: "Error", message: "rates API 503" },
      { attempt: 2, name: "TimeoutError", message: "step timed out after 200ms" },
    ]);
    expect(stepRow.durationMs).toBe(700);

    expect(attemptRows.map((r) => [r.label, r.depth, r.status, r.errors.map((e) => e.message)])).toEqual([
      ["attempt 1", 1, "failed", ["rates API 503"]],
      ["attempt 2", 1, "timed_out", ["step timed out after 200ms"]],
      ["attempt 3", 1, "succeeded", []],
    ]);
    // Axis spans the run (1 s); attempt 2 starts at 30 % and is 20 % wide.
    const second = attemptRows[1].bars[0];
    expect([second.leftPct, second.widthPct]).toEqual([30, 20]);
  });

  it("never draws an attempt over the attempts before it", () => {
    const retried = step({
      id: "fetch-rates",
      seq: 0,
      attempts: 2,
      startedAt: at(0),
      finishedAt: at(900),
      attemptHistory: [
        { attempt: 1, status: "failed", error: { name: "Error", message: "503" }, startedAt: at(0), finishedAt: at(100) },
        // The final attempt as the journal row records it: with the step's first start.
        { attempt: 2, status: "succeeded", error: null, startedAt: at(0), finishedAt: at(900) },
      ],
    });
    const bars = buildTimeline(run({ steps: [retried] }), new Date(T0 + 5000)).rows[0].bars.filter((b) => b.kind === "attempt");
    expect(bars.map((b) => [b.startOffsetMs, b.durationMs])).toEqual([
      [0, 100],
      [100, 800],
    ]);
  });

  it("keeps a single-attempt step on one row without attempt children", () => {
    const timeline = buildTimeline(run({ steps: [step({ id: "send-email", seq: 0 })] }), new Date(T0 + 5000));
    expect(timeline.rows).toHaveLength(1);
    expect(timeline.rows[0].bars).toHaveLength(1);
    expect(timeline.rows[0].bars[0].kind).toBe("attempt");
  });

  it("shows a pending approval as an open wait bar that grows to now", () => {
    const wait = step({
      id: "approve-quote",
      seq: 2,
      kind: "approval",
      status: "waiting",
      startedAt: at(200),
      finishedAt: null,
      approval: approval(),
    });
    const r = run({ status: "waiting", finishedAt: null, steps: [wait] });

    const early = buildTimeline(r, new Date(T0 + 1200)).rows[0];
    const later = buildTimeline(r, new Date(T0 + 4200)).rows[0];

    expect(early.bars[0]).toMatchObject({ kind: "wait", status: "waiting", open: true, durationMs: 1000 });
    expect(later.bars[0].durationMs).toBe(4000);
    expect(later.wait).toEqual({
      kind: "approval",
      wakeAt: null,
      decision: { status: "pending", decidedBy: null, decidedAt: null, comment: null },
      summary: "Quote 2,450 USD for ACME",
    });
  });

  it("shows who decided an approval, when, and the comment", () => {
    const decided = step({
      id: "approve-quote",
      seq: 2,
      kind: "approval",
      status: "succeeded",
      startedAt: at(200),
      finishedAt: at(800),
      approval: approval({ status: "approved", decidedBy: "ana@example.com", decidedAt: at(790), comment: "ok for ACME" }),
    });
    const row = buildTimeline(run({ steps: [decided] }), new Date(T0 + 9000)).rows[0];
    expect(row.status).toBe("approved");
    expect(row.bars[0]).toMatchObject({ kind: "wait", status: "approved", open: false, durationMs: 600 });
    expect(row.wait?.decision).toEqual({ status: "approved", decidedBy: "ana@example.com", decidedAt: at(790), comment: "ok for ACME" });
  });

  it("lets a running step grow with now while the run is live", () => {
    const running = step({
      id: "draft-quote",
      seq: 1,
      kind: "llm",
      status: "running",
      startedAt: at(100),
      finishedAt: null,
      attemptHistory: [{ attempt: 1, status: "running", error: null, startedAt: at(100), finishedAt: null }],
    });
    const r = run({ status: "running", finishedAt: null, steps: [running] });

    const a = buildTimeline(r, new Date(T0 + 600));
    const b = buildTimeline(r, new Date(T0 + 2100));
    expect(a.live).toBe(true);
    expect(a.rows[0].bars[0]).toMatchObject({ open: true, status: "running", durationMs: 500 });
    expect(b.rows[0].bars[0].durationMs).toBe(2000);
    expect(b.axis.durationMs).toBe(2100);
    // The bar reaches the right edge of the axis: it ends at now.
    const bar = b.rows[0].bars[0];
    expect(bar.leftPct + bar.widthPct).toBeCloseTo(100, 1);
  });

  it("stops an unfinished step at the run's end once the run is cancelled", () => {
    const interrupted = step({ id: "slow", seq: 0, status: "running", startedAt: at(0), finishedAt: null });
    const r = run({ status: "cancelled", finishedAt: at(400), steps: [interrupted] });
    const row = buildTimeline(r, new Date(T0 + 60_000)).rows[0];
    expect(row.status).toBe("interrupted");
    expect(row.bars[0]).toMatchObject({ open: false, status: "interrupted", durationMs: 400 });
  });

  it("lets parallel steps overlap on the axis", () => {
    const a = step({ id: "search-web", seq: 1, startedAt: at(100), finishedAt: at(600) });
    const b = step({ id: "search-kb", seq: 2, startedAt: at(150), finishedAt: at(400) });
    const first = step({ id: "plan", seq: 0, startedAt: at(0), finishedAt: at(100) });
    const timeline = buildTimeline(run({ steps: [b, a, first] }), new Date(T0 + 5000));

    expect(timeline.rows.map((r) => r.stepId)).toEqual(["plan", "search-web", "search-kb"]);
    const [, web, kb] = timeline.rows.map((r) => r.bars[0]);
    expect(kb.startOffsetMs).toBeLessThan(web.startOffsetMs + web.durationMs);
    expect(kb.startOffsetMs + kb.durationMs).toBeGreaterThan(web.startOffsetMs);
  });

  it("carries an LLM step's model, tokens, cost and finish reason", () => {
    const llm = step({
      id: "draft-quote",
      seq: 1,
      kind: "llm",
      usage: { provider: "demo", model: "gpt-4o-mini", inputTokens: 120, outputTokens: 80, costUsd: 0.00042, finishReason: "stop", latencyMs: 150 },
    });
    const timeline = buildTimeline(run({ steps: [llm] }), new Date(T0 + 5000));
    expect(timeline.rows[0].llm).toEqual({
      provider: "demo",
      model: "gpt-4o-mini",
      inputTokens: 120,
      outputTokens: 80,
      totalTokens: 200,
      costUsd: 0.00042,
      finishReason: "stop",
      latencyMs: 150,
    });
    expect(timeline.totals).toMatchObject({ inputTokens: 120, outputTokens: 80, costUsd: 0.00042 });
  });

  it("shows the final error of a failed step even without attempt history", () => {
    const failed = step({ id: "charge", seq: 0, status: "failed", error: { name: "FatalError", message: "card declined", reason: "step_failed" } });
    const row = buildTimeline(run({ status: "failed", steps: [failed] }), new Date(T0 + 5000)).rows[0];
    expect(row.status).toBe("failed");
    expect(row.errors).toEqual([{ attempt: 1, name: "FatalError", message: "card declined" }]);
  });

  it("shows a scheduled retry as a backoff bar up to the retry time", () => {
    const retrying = step({
      id: "fetch-rates",
      seq: 0,
      status: "running",
      attempts: 1,
      finishedAt: null,
      wakeAt: at(3000),
      attemptHistory: [{ attempt: 1, status: "failed", error: { name: "Error", message: "503" }, startedAt: at(0), finishedAt: at(100) }],
    });
    const timeline = buildTimeline(run({ status: "running", finishedAt: null, steps: [retrying] }), new Date(T0 + 1000));
    expect(timeline.rows[0].bars.map((b) => b.kind)).toEqual(["attempt", "backoff"]);
    expect(timeline.rows[0].bars[1].durationMs).toBe(2900);
    expect(timeline.axis.endMs).toBe(T0 + 3000);
  });

  it("can scale the axis to the executions, cutting a long wait at the edge", () => {
    const r = run({
      status: "waiting",
      finishedAt: null,
      steps: [
        step({ id: "fetch-rates", seq: 0, startedAt: at(0), finishedAt: at(400) }),
        step({ id: "approve-quote", seq: 1, kind: "approval", status: "waiting", startedAt: at(400), finishedAt: null, approval: approval() }),
      ],
    });
    const now = new Date(T0 + 3_600_000);
    const whole = buildTimeline(r, now);
    expect(whole.waitsDominate).toBe(true);
    expect(whole.axis.durationMs).toBe(3_600_000);
    expect(whole.rows[0].bars[0].widthPct).toBeLessThan(0.1);

    const work = buildTimeline(r, now, { scale: "work" });
    expect(work.scale).toBe("work");
    expect(work.axis.durationMs).toBe(460);
    expect(work.rows[0].bars[0]).toMatchObject({ leftPct: 0, widthPct: 86.96, clipped: false });
    expect(work.rows[1].bars[0]).toMatchObject({ leftPct: 86.96, widthPct: 13.04, clipped: true, durationMs: 3_599_600 });
  });

  it("gives a run without steps a usable axis", () => {
    const timeline = buildTimeline(run({ status: "queued", startedAt: null, finishedAt: null }), new Date(T0));
    expect(timeline.rows).toEqual([]);
    expect(timeline.axis.durationMs).toBeGreaterThan(0);
    expect(timeline.axis.ticks[0].label).toBe("0");
  });
});

describe("buildAxis", () => {
  it("uses round tick steps", () => {
    expect(buildAxis(0, 1000).ticks.map((t) => t.label)).toEqual(["0", "200ms", "400ms", "600ms", "800ms", "1s"]);
    expect(buildAxis(0, 90_000).ticks.map((t) => t.label)).toEqual(["0", "15s", "30s", "45s", "1m", "1m 15s", "1m 30s"]);
    expect(buildAxis(0, 1400).ticks.map((t) => t.label)).toEqual(["0", "250ms", "500ms", "750ms", "1s", "1.25s"]);
  });
});

describe("formatDuration", () => {
  it("reads as a person would say it", () => {
    expect([0, 350, 1234, 12_400, 125_000, 3 * 3_600_000 + 240_000, 2 * 86_400_000 + 3 * 3_600_000].map(formatDuration)).toEqual([
      "0ms",
      "350ms",
      "1.2s",
      "12s",
      "2m 5s",
      "3h 4m",
      "2d 3h",
    ]);
  });
});
