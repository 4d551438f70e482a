import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { FatalError } from "./errors";
import { InMemoryJournal, fakeClock, runWorkflowForTest } from "./testing";

/** The authoring example of DESIGN.md, with its effects as counters. */
function freightQuote(effects: { rates: number; emails: string[] }) {
  return defineWorkflow({
    name: "freight-quote",
    version: 2,
    input: z.object({ lane: z.string(), weightKg: z.number().positive() }),
    budget: { maxCostUsd: 0.5, maxTokens: 50_000, onExceed: "pause" },
    async run(ctx, input) {
      const rates = await ctx.step("fetch-rates", async () => (effects.rates++, [{ carrier: "acme", usd: input.weightKg * 2 }]), {
        retry: { maxAttempts: 5 },
        timeoutMs: 30_000,
      });
      const draft = await ctx.llm("draft-quote", { model: "gpt-4o-mini", messages: [{ role: "user", content: `Quote ${input.lane}` }] });
      const decision = await ctx.waitForApproval("approve-quote", { summary: `Quote ${draft.text.slice(0, 80)}`, data: { rates }, timeoutMs: 86_400_000 });
      if (!decision.approved) return { status: "rejected" };
      await ctx.step("send-email", ({ idempotencyKey }) => void effects.emails.push(idempotencyKey), { sideEffect: true });
      return { status: "sent" };
    },
  });
}

describe("runWorkflowForTest", () => {
  it("runs the DESIGN.md example end to end", async () => {
    const effects = { rates: 0, emails: [] as string[] };
    const result = await runWorkflowForTest(freightQuote(effects), { lane: "RTM-HAM", weightKg: 10 }, {
      runId: "run-q",
      llm: () => ({ text: "EUR 20 all-in", usage: { inputTokens: 30, outputTokens: 5 }, costUsd: 0.001 }),
      approvals: { "approve-quote": (data) => ({ approved: (data as { rates: Array<{ usd: number }> }).rates[0].usd < 100 }) },
    });
    expect(result).toMatchObject({ status: "succeeded", output: { status: "sent" }, ticks: 2 });
    expect(effects).toEqual({ rates: 1, emails: ["run-q:send-email"] });
    expect(result.journal.map((e) => [e.seq, e.stepId, e.kind, e.status])).toEqual([
      [0, "fetch-rates", "step", "succeeded"],
      [1, "draft-quote", "llm", "succeeded"],
      [2, "approve-quote", "approval", "succeeded"],
      [3, "send-email", "step", "succeeded"],
    ]);
    expect(result.journal[1].llm).toMatchObject({ costUsd: 0.001, inputTokens: 30 });
  });

  it("replaces step functions by id, with access to the original", async () => {
    const effects = { rates: 0, emails: [] as string[] };
    const result = await runWorkflowForTest(freightQuote(effects), { lane: "A-B", weightKg: 1 }, {
      steps: {
        "fetch-rates": () => [{ carrier: "mock", usd: 500 }],
        "send-email": (original) => original(),
      },
      approvals: { "approve-quote": (data) => ({ approved: (data as { rates: Array<{ usd: number }> }).rates[0].usd < 100 }) },
    });
    expect(result).toMatchObject({ status: "succeeded", output: { status: "rejected" } });
    expect(effects.rates).toBe(0);
  });

  it("reports a step failure as the run's error", async () => {
    const effects = { rates: 0, emails: [] as string[] };
    const result = await runWorkflowForTest(freightQuote(effects), { lane: "A-B", weightKg: 1 }, {
      steps: { "fetch-rates": () => Promise.reject(new FatalError("unknown lane A-B")) },
    });
    expect(result).toMatchObject({ status: "failed", error: { message: 'Step "fetch-rates" failed: unknown lane A-B', reason: "step_failed" } });
  });

  it("reports invalid input as a failed run", async () => {
    const result = await runWorkflowForTest(freightQuote({ rates: 0, emails: [] }), { lane: "A-B", weightKg: -1 });
    expect(result).toMatchObject({ status: "failed", error: { reason: "invalid_input" } });
  });

  it("gives up after maxTicks with a clear error", async () => {
    const wf = defineWorkflow({
      name: "naps",
      version: 1,
      input: z.any(),
      async run(ctx) {
        for (let i = 0; i < 10; i++) await ctx.sleep(`nap-${i}`, 1000);
      },
    });
    await expect(runWorkflowForTest(wf, {}, { maxTicks: 3 })).rejects.toThrow(/did not finish within 3 ticks/);
    expect(await runWorkflowForTest(wf, {})).toMatchObject({ status: "succeeded", ticks: 11 });
  });
});

describe("InMemoryJournal", () => {
  it("fences out writers of an older epoch", async () => {
    const journal = new InMemoryJournal();
    const old = journal.writer("run-1");
    journal.bumpEpoch();
    await expect(old.heartbeat()).rejects.toMatchObject({ name: "StaleEpochError" });
    await expect(journal.writer("run-1").heartbeat()).resolves.toBeUndefined();
  });

  it("never moves a finished entry back to running", async () => {
    const journal = new InMemoryJournal();
    const writer = journal.writer("run-1");
    const at = new Date();
    await writer.complete({ seq: 0, stepId: "a", kind: "step", status: "succeeded", attempts: 1, output: 1, startedAt: at, finishedAt: at });
    await writer.markRunning({ seq: 0, stepId: "a", kind: "step", attempts: 1, startedAt: at });
    expect(journal.entry("a")).toMatchObject({ status: "succeeded", output: 1 });
  });
});

describe("fakeClock", () => {
  it("fires sleeps in order as time advances and cancels aborted ones", async () => {
    const clock = fakeClock(new Date("2026-01-01T00:00:00.000Z"));
    const fired: string[] = [];
    const controller = new AbortController();
    void clock.sleep(200).then(() => fired.push(`b@${clock.now().toISOString()}`));
    void clock.sleep(100).then(() => fired.push("a"));
    const cancelled = clock.sleep(150, controller.signal).catch(() => fired.push("cancelled"));
    controller.abort();
    await cancelled;
    expect(clock.advanceToNextTimer()).toBe(true);
    expect(clock.advanceToNextTimer()).toBe(true);
    await Promise.resolve();
    await Promise.resolve();
    // Continuations run after advance() returns, so they see the time it moved to.
    expect(fired).toEqual(["cancelled", "a", "b@2026-01-01T00:00:00.200Z"]);
    expect(clock.advanceToNextTimer()).toBe(false);
    clock.advance(50);
    expect(clock.now().toISOString()).toBe("2026-01-01T00:00:00.250Z");
    expect(clock.pendingTimers()).toBe(0);
  });
});
