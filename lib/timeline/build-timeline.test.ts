import { describe, expect, it } from "vitest";
import type { ApprovalView, RunView, StepView } from "../data/views";
import type { BudgetPauseView, RunBudgetView } from "../data/run-budget";
import type { LlmChargeView } from "../data/price-store";
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

function pause(overrides: Partial<BudgetPauseView> = {}): BudgetPauseView {
  return {
    approvalId: "apr_b1",
    stepId: "draft-quote",
    status: "pending",
    summary: 'Budget exceeded: LLM step "draft-quote" (est. $0.0009, 1100 tokens) does not fit the run\'s budget ($0.0004 of $0.0005 used).',
    ledgerId: "run:run_1",
    scope: "run",
    limitUsd: 0.0005,
    limitTokens: null,
    spentUsd: 0.0004,
    spentTokens: 900,
    reservedUsd: 0,
    pausedAt: at(300),
    decidedBy: null,
    decidedAt: null,
    comment: null,
    raisedBy: null,
    limitsAfter: null,
    ...overrides,
  };
}

function charge(overrides: Partial<LlmChargeView> & Pick<LlmChargeView, "seq" | "attempt">): LlmChargeView {
  return {
    stepId: "draft-quote",
    status: "succeeded",
    model: "gpt-4o-mini",
    inputTokens: 100,
    cachedInputTokens: 0,
    outputTokens: 50,
    costUsd: 0.001,
    chargedAt: at(400),
    price: { priceId: "price_seed_gpt-4o-mini", inputPerMTok: 0.15, outputPerMTok: 0.6, cachedInputPerMTok: 0.075, effectiveFrom: "2000-01-01T00:00:00.000Z" },
    ...overrides,
  };
}

const budgetView = (overrides: Partial<RunBudgetView> = {}): RunBudgetView => ({ runLedger: null, pauses: [], charges: [], ...overrides });

describe("buildTimeline: budgets", () => {
  const fetchRates = step({ id: "fetch-rates", seq: 0, startedAt: at(0), finishedAt: at(200) });
  const draft = step({ id: "draft-quote", seq: 1, kind: "llm", startedAt: at(800), finishedAt: at(900) });

  it("puts a raised budget pause between the steps, as a wait from the pause to the decision, with the raise and who made it", () => {
    const raised = pause({ status: "approved", decidedBy: "ana@acme.test", decidedAt: at(700), comment: "worth it", raisedBy: { usd: 0.05, tokens: null }, limitsAfter: { usd: 0.0505, tokens: null } });
    const timeline = buildTimeline(run({ steps: [fetchRates, draft] }), new Date(T0 + 5000), { budget: budgetView({ pauses: [raised] }) });

    expect(timeline.rows.map((row) => [row.type, row.label])).toEqual([
      ["step", "fetch-rates"],
      ["budget", "budget pause · draft-quote"],
      ["step", "draft-quote"],
    ]);
    const row = timeline.rows[1];
    expect(row).toMatchObject({ key: "budget:apr_b1", stepId: "draft-quote", status: "approved", step: null });
    expect(row.bars).toEqual([expect.objectContaining({ kind: "wait", status: "approved", startOffsetMs: 300, durationMs: 400, open: false })]);
    expect(row.budget).toMatchObject({
      budget: "the run's budget",
      limitUsd: 0.0005,
      spentUsd: 0.0004,
      summary: expect.stringContaining("est. $0.0009"),
      decision: { outcome: "raised", by: "ana@acme.test", at: at(700), comment: "worth it", raisedBy: { usd: 0.05, tokens: null }, limitsAfter: { usd: 0.0505, tokens: null } },
    });
    expect(timeline.budgetFailure).toBeNull();
  });

  it("grows a pending pause to now while the run waits", () => {
    const waiting = run({ status: "waiting", finishedAt: null, steps: [fetchRates] });
    const early = buildTimeline(waiting, new Date(T0 + 1300), { budget: budgetView({ pauses: [pause()] }) });
    const later = buildTimeline(waiting, new Date(T0 + 2300), { budget: budgetView({ pauses: [pause()] }) });
    expect(early.rows[1]).toMatchObject({ type: "budget", status: "waiting", budget: { decision: { outcome: "pending", by: null } } });
    expect(early.rows[1].bars[0]).toMatchObject({ open: true, durationMs: 1000 });
    expect(later.rows[1].bars[0].durationMs).toBe(2000);
  });

  it("shows an aborted pause as rejected by the approver, and the run's budget failure with who aborted it", () => {
    const aborted = pause({ status: "rejected", decidedBy: "ana@acme.test", decidedAt: at(600) });
    const failed = run({
      status: "failed",
      steps: [fetchRates],
      finishedAt: at(650),
      error: { name: "BudgetExceededError", message: "Budget exceeded … ana@acme.test aborted the run at the budget pause.", reason: "budget_exceeded" },
    });
    const timeline = buildTimeline(failed, new Date(T0 + 5000), { budget: budgetView({ pauses: [aborted] }) });
    expect(timeline.rows.map((row) => [row.type, row.status])).toEqual([["step", "succeeded"], ["budget", "rejected"]]);
    expect(timeline.rows[1].budget?.decision).toMatchObject({ outcome: "aborted", by: "ana@acme.test", raisedBy: null });
    expect(timeline.budgetFailure).toEqual({ message: expect.stringContaining("aborted the run"), abortedBy: "ana@acme.test" });
  });

  it('marks the end of a run that onExceed: "fail" ended, with its reason', () => {
    const failed = run({
      status: "failed",
      steps: [fetchRates],
      finishedAt: at(300),
      error: { name: "BudgetExceededError", message: 'Budget exceeded: LLM step "draft-quote" does not fit the run\'s budget. Raise the run\'s budget and replay it.', reason: "budget_exceeded" },
    });
    const timeline = buildTimeline(failed, new Date(T0 + 5000), { budget: budgetView() });
    const mark = timeline.rows.at(-1)!;
    expect(mark).toMatchObject({ type: "budget", key: "budget:failed", label: "budget exceeded", status: "failed", budget: null });
    expect(mark.bars[0]).toMatchObject({ kind: "marker", startOffsetMs: 300, durationMs: 0 });
    expect(timeline.budgetFailure).toEqual({ message: expect.stringContaining("Raise the run's budget"), abortedBy: null });
    // Another failure is not a budget's.
    const other = buildTimeline(run({ status: "failed", error: { name: "Error", message: "boom", reason: "step_failed" } }), new Date(T0 + 5000), { budget: budgetView() });
    expect(other.budgetFailure).toBeNull();
    expect(other.rows.filter((row) => row.type === "budget")).toEqual([]);
  });

  it("shows what each LLM attempt was charged, failed ones included, and sums them", () => {
    const retried = step({
      id: "draft-quote",
      seq: 1,
      kind: "llm",
      attempts: 2,
      startedAt: at(0),
      finishedAt: at(600),
      attemptHistory: [
        { attempt: 1, status: "failed", error: { name: "ProviderError", message: "HTTP 500" }, startedAt: at(0), finishedAt: at(100) },
        { attempt: 2, status: "succeeded", error: null, startedAt: at(300), finishedAt: at(600) },
      ],
    });
    const charges = [
      charge({ seq: 1, attempt: 1, status: "failed", inputTokens: 40, outputTokens: 0, costUsd: 0.000006 }),
      charge({ seq: 1, attempt: 2, costUsd: 0.001 }),
      charge({ seq: 7, attempt: 1, stepId: "other", costUsd: 0.5 }),
    ];
    const timeline = buildTimeline(run({ steps: [retried] }), new Date(T0 + 5000), { budget: budgetView({ charges }) });
    const [stepRow, first, second] = timeline.rows;
    expect(stepRow.charges.map((c) => [c.attempt, c.status, c.costUsd])).toEqual([[1, "failed", 0.000006], [2, "succeeded", 0.001]]);
    expect(first).toMatchObject({ type: "attempt", status: "failed", charges: [expect.objectContaining({ attempt: 1, costUsd: 0.000006 })] });
    expect(second.charges).toEqual([expect.objectContaining({ attempt: 2, costUsd: 0.001 })]);
    expect(timeline.totals).toMatchObject({ chargedUsd: 0.501006, failedAttemptsChargedUsd: 0.000006 });
    // Without the budget view nothing is claimed about charges.
    expect(buildTimeline(run({ steps: [retried] }), new Date(T0 + 5000)).totals).toMatchObject({ chargedUsd: null, failedAttemptsChargedUsd: null });
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
