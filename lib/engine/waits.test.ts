import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { createTickHarness, runWorkflowForTest } from "./testing";

const HOUR = 3_600_000;

/** Asks for approval of a quote (with a one-hour timeout) and sends it when approved. */
const quoteWorkflow = defineWorkflow({
  name: "quote",
  version: 1,
  input: z.object({ amount: z.number() }),
  async run(ctx, input) {
    const decision = await ctx.waitForApproval("approve-quote", {
      summary: `Send a quote of ${input.amount} USD?`,
      data: { amount: input.amount },
      timeoutMs: HOUR,
    });
    if (!decision.approved) return { sent: false, reason: decision.reason, comment: decision.comment ?? null };
    await ctx.step("send", () => "sent", { sideEffect: true });
    return { sent: true, by: decision.decidedBy ?? null };
  },
});

describe("approvals", () => {
  it("continues with an approval", async () => {
    const result = await runWorkflowForTest(quoteWorkflow, { amount: 120 }, { approvals: { "approve-quote": { approved: true, decidedBy: "ana@example.com" } } });
    expect(result).toMatchObject({ status: "succeeded", output: { sent: true, by: "ana@example.com" }, ticks: 2 });
    expect(result.journal.map((e) => [e.stepId, e.kind, e.status])).toEqual([
      ["approve-quote", "approval", "succeeded"],
      ["send", "step", "succeeded"],
    ]);
    expect(result.journal[0].input).toEqual({ summary: "Send a quote of 120 USD?", data: { amount: 120 } });
  });

  it("gives a rejection to the workflow as a value", async () => {
    const result = await runWorkflowForTest(quoteWorkflow, { amount: 9000 }, {
      approvals: { "approve-quote": (data) => ({ approved: (data as { amount: number }).amount < 1000, comment: "too much" }) },
    });
    expect(result).toMatchObject({ status: "succeeded", output: { sent: false, reason: "rejected", comment: "too much" } });
    expect(result.journal.map((e) => e.stepId)).toEqual(["approve-quote"]);
  });

  it("ends a timed-out approval as { approved: false, reason: 'timeout' }, not a throw", async () => {
    const result = await runWorkflowForTest(quoteWorkflow, { amount: 1 }, { approvals: { "approve-quote": { approved: false, reason: "timeout" } } });
    expect(result).toMatchObject({ status: "succeeded", output: { sent: false, reason: "timeout" } });
    expect(result.journal[0]).toMatchObject({ status: "succeeded", output: { approved: false, reason: "timeout" } });
    expect(result.journal[0].finishedAt!.getTime() - result.journal[0].startedAt.getTime()).toBe(HOUR);
  });

  it("leaves the run waiting when nobody decides", async () => {
    const result = await runWorkflowForTest(quoteWorkflow, { amount: 1 });
    expect(result).toMatchObject({ status: "waiting", waitingFor: "approve-quote", ticks: 1 });
    expect(result.journal).toMatchObject([{ stepId: "approve-quote", status: "waiting" }]);
  });

  it("records the wait with its timeout and suspends the tick until it is decided", async () => {
    const h = createTickHarness(quoteWorkflow, { input: { amount: 5 } });
    const wakeAt = new Date(h.clock.now().getTime() + HOUR);
    expect(await h.tick()).toEqual({ type: "suspended", runStatus: "waiting", wakeAt });
    expect(h.journal.approvals).toMatchObject([{ stepId: "approve-quote", summary: "Send a quote of 5 USD?", data: { amount: 5 }, status: "pending" }]);
    // A tick before anyone decided (e.g. the reconciler) just waits again.
    expect(await h.tick()).toEqual({ type: "suspended", runStatus: "waiting", wakeAt });
    h.journal.decide("approve-quote", { approved: true }, h.clock.now());
    expect(await h.tick()).toMatchObject({ type: "succeeded", output: { sent: true } });
  });

  it("lets a person's decision made just before the timeout win over the timeout", async () => {
    const h = createTickHarness(quoteWorkflow, { input: { amount: 5 } });
    await h.tick();
    h.clock.advance(HOUR);
    const writer = h.journal.writer(h.runId);
    const racingWriter = {
      ...writer,
      expireApproval: async (seq: number, stepId: string, now: Date) => {
        h.journal.decide(stepId, { approved: true, decidedBy: "late@example.com" }, now); // decided while the tick ran
        return writer.expireApproval(seq, stepId, now);
      },
    };
    expect(await h.tick({ writer: racingWriter })).toMatchObject({ type: "succeeded", output: { sent: true, by: "late@example.com" } });
  });

  it("begins parallel approvals together", async () => {
    const wf = defineWorkflow({
      name: "two-approvers",
      version: 1,
      input: z.any(),
      async run(ctx) {
        const [legal, finance] = await Promise.all([
          ctx.waitForApproval("legal", { summary: "legal ok?" }),
          ctx.waitForApproval("finance", { summary: "finance ok?" }),
        ]);
        return legal.approved && finance.approved;
      },
    });
    const h = createTickHarness(wf);
    expect(await h.tick()).toMatchObject({ type: "suspended", runStatus: "waiting", wakeAt: null });
    expect(h.journal.approvals.map((a) => a.stepId)).toEqual(["legal", "finance"]);
    const result = await runWorkflowForTest(wf, {}, { approvals: { legal: { approved: true }, finance: { approved: true } } });
    expect(result).toMatchObject({ status: "succeeded", output: true, ticks: 2 });
  });
});

describe("sleep", () => {
  const napper = defineWorkflow({
    name: "napper",
    version: 1,
    input: z.any(),
    async run(ctx) {
      const before = ctx.now().toISOString();
      await ctx.sleep("nap", 90 * 60_000);
      return { before, after: ctx.now().toISOString() };
    },
  });

  it("records the wait, suspends until it is due, then continues", async () => {
    const h = createTickHarness(napper);
    const wakeAt = new Date(h.clock.now().getTime() + 90 * 60_000);
    expect(await h.tick()).toEqual({ type: "suspended", runStatus: "waiting", wakeAt });
    expect(h.journal.entry("nap")).toMatchObject({ kind: "sleep", status: "waiting", wakeAt, input: { ms: 90 * 60_000 } });
    h.clock.advance(60 * 60_000);
    expect(await h.tick()).toEqual({ type: "suspended", runStatus: "waiting", wakeAt });
    h.clock.advance(30 * 60_000);
    expect(await h.tick()).toMatchObject({ type: "succeeded" });
    expect(h.journal.entry("nap")).toMatchObject({ status: "succeeded", output: null, finishedAt: wakeAt });
  });

  it("passes instantly in the test runner", async () => {
    const result = await runWorkflowForTest(napper, {}, { clockStart: new Date("2026-05-01T08:00:00.000Z") });
    expect(result).toMatchObject({ status: "succeeded", output: { before: "2026-05-01T08:00:00.000Z", after: "2026-05-01T09:30:00.000Z" }, ticks: 2 });
  });

  it("rejects a negative duration", async () => {
    const wf = defineWorkflow({ name: "bad-sleep", version: 1, input: z.any(), run: (ctx) => ctx.sleep("nap", -1) });
    expect(await createTickHarness(wf).tick()).toMatchObject({ type: "failed", error: { name: "TypeError", reason: "workflow_error" } });
  });
});
