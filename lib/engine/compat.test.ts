import { describe, expect, it } from "vitest";
import { z } from "zod";
import { replayJournal } from "./compat";
import { defineWorkflow } from "./definition";
import { runWorkflowForTest } from "./testing";
import type { JournalEntry, Json, WorkflowDefinition } from "./types";

/** Counts every real execution, so a test can prove the replay ran nothing. */
function counter() {
  const calls: string[] = [];
  return { calls, hit: (what: string) => calls.push(what) };
}

function orderFlow(order: string[], hit: (what: string) => void, options: { version?: number; approval?: boolean } = {}) {
  return defineWorkflow({
    name: "order-flow",
    version: options.version ?? 1,
    input: z.object({ item: z.string() }),
    async run(ctx, input) {
      const seen: string[] = [];
      for (const id of order) seen.push(await ctx.step(id, () => (hit(id), `${id}:${input.item}`), { sideEffect: true }));
      const summary = await ctx.llm("summarise", { model: "gpt-4o-mini", messages: [{ role: "user", content: seen.join(",") }] });
      if (options.approval) {
        const decision = await ctx.waitForApproval("gate", { summary: "ship?" });
        if (!decision.approved) return { shipped: false };
      }
      await ctx.step("ship", () => (hit("ship"), "shipped"), { sideEffect: true });
      return { shipped: true, seen, summary: summary.text };
    },
  });
}

async function recorded(def: WorkflowDefinition<any, any>, input: Json, approvals?: Record<string, { approved: boolean }>) {
  const result = await runWorkflowForTest(def, input, { llm: () => "fine", approvals });
  return result;
}

const run = (input: Json) => ({ id: "test-run", input, startedAt: new Date("2026-01-01T00:00:00.000Z") });

describe("replayJournal", () => {
  it("replays a finished run to the same output without running a step or calling a model", async () => {
    const first = counter();
    const original = await recorded(orderFlow(["a", "b"], first.hit), { item: "x" });
    expect(original.status).toBe("succeeded");

    const replay = counter();
    const report = await replayJournal({ definition: orderFlow(["a", "b"], replay.hit), journal: original.journal, run: run({ item: "x" }) });
    expect(report).toEqual({ compatible: true, ending: "completed", matchedSteps: 4, output: original.output });
    expect(replay.calls).toEqual([]);
  });

  it("names the first position where a reordered definition differs", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const report = await replayJournal({
      definition: orderFlow(["b", "a"], () => undefined, { version: 2 }),
      journal: original.journal,
      run: run({ item: "x" }),
    });
    expect(report).toMatchObject({
      compatible: false,
      matchedSteps: 0,
      divergence: { reason: "step_mismatch", position: 0, expected: { stepId: "a", kind: "step" }, found: { stepId: "b", kind: "step" } },
    });
    if (!report.compatible) expect(report.divergence.message).toBe('order-flow@2 calls "b" (step) at position 0, where the journal recorded "a" (step).');
  });

  it("stops at the end of an in-flight journal without running the next step", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const inFlight = original.journal.filter((entry) => entry.seq < 2);
    const replay = counter();
    const report = await replayJournal({ definition: orderFlow(["a", "b"], replay.hit), journal: inFlight, run: run({ item: "x" }) });
    expect(report).toEqual({ compatible: true, ending: "frontier", matchedSteps: 2 });
    expect(replay.calls).toEqual([]);
  });

  it("stops at an LLM call the journal has no result for, without calling a provider", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const beforeLlm = original.journal.filter((entry) => entry.kind !== "llm" && entry.stepId !== "ship");
    const report = await replayJournal({ definition: orderFlow(["a", "b"], () => undefined), journal: beforeLlm, run: run({ item: "x" }) });
    expect(report).toEqual({ compatible: true, ending: "frontier", matchedSteps: 2 });
  });

  it("re-runs a step the worker died in (a 'running' entry) as the frontier, not as a real execution", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const crashed: JournalEntry[] = original.journal
      .filter((entry) => entry.seq < 2)
      .map((entry) => (entry.seq === 1 ? { ...entry, status: "running", output: undefined, finishedAt: undefined } : entry));
    const replay = counter();
    const report = await replayJournal({ definition: orderFlow(["a", "b"], replay.hit), journal: crashed, run: run({ item: "x" }) });
    expect(report).toMatchObject({ compatible: true, ending: "frontier", matchedSteps: 2 });
    expect(replay.calls).toEqual([]);
  });

  it("leaves a pending approval pending", async () => {
    const original = await recorded(orderFlow(["a"], () => undefined, { approval: true }), { item: "x" });
    expect(original.status).toBe("waiting");
    const report = await replayJournal({
      definition: orderFlow(["a"], () => undefined, { approval: true }),
      journal: original.journal,
      run: run({ item: "x" }),
    });
    expect(report).toEqual({ compatible: true, ending: "waiting", matchedSteps: 3 });
  });

  it("reports steps the code no longer reaches", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const shorter = defineWorkflow({
      name: "order-flow",
      version: 3,
      input: z.object({ item: z.string() }),
      async run(ctx) {
        await ctx.step("a", () => "a");
        return "done early";
      },
    });
    const report = await replayJournal({ definition: shorter, journal: original.journal, run: run({ item: "x" }) });
    expect(report).toMatchObject({
      compatible: false,
      matchedSteps: 1,
      divergence: { reason: "steps_removed", position: 1, expected: { stepId: "b", kind: "step" }, found: null },
    });
  });

  it("reports a workflow that now throws before the journal ends", async () => {
    const original = await recorded(orderFlow(["a", "b"], () => undefined), { item: "x" });
    const throwing = defineWorkflow({
      name: "order-flow",
      version: 4,
      input: z.object({ item: z.string() }),
      async run(ctx) {
        const a = await ctx.step("a", () => "a");
        if (typeof a === "string") throw new Error("expected an object from step a");
        return a;
      },
    });
    const report = await replayJournal({ definition: throwing, journal: original.journal, run: run({ item: "x" }) });
    expect(report).toMatchObject({ compatible: false, divergence: { reason: "workflow_error", position: 1 } });
    if (!report.compatible) expect(report.divergence.message).toContain("expected an object from step a");
  });

  it("reports an input the definition's schema no longer accepts", async () => {
    const original = await recorded(orderFlow(["a"], () => undefined), { item: "x" });
    const report = await replayJournal({ definition: orderFlow(["a"], () => undefined), journal: original.journal, run: run({ item: 7 }) });
    expect(report).toMatchObject({ compatible: false, divergence: { reason: "invalid_input", position: null } });
    if (!report.compatible) expect(report.divergence.message).toContain("item");
  });

  it("checks every call of a parallel group, even one started together with the frontier", async () => {
    const parallel = (second: string) =>
      defineWorkflow({
        name: "fan-out",
        version: 1,
        input: z.object({}),
        async run(ctx) {
          return Promise.all([ctx.step("left", () => "l"), ctx.step(second, () => "r")]);
        },
      });
    const original = await recorded(parallel("right"), {});
    // The worker died while "left" ran; "right" finished.
    const journal = original.journal.map((entry) =>
      entry.stepId === "left" ? { ...entry, status: "running" as const, output: undefined, finishedAt: undefined } : entry,
    );
    expect(await replayJournal({ definition: parallel("right"), journal, run: run({}) })).toMatchObject({ compatible: true, ending: "frontier" });
    expect(await replayJournal({ definition: parallel("renamed"), journal, run: run({}) })).toMatchObject({
      compatible: false,
      divergence: { reason: "step_mismatch", position: 1, expected: { stepId: "right" }, found: { stepId: "renamed" } },
    });
  });

  it("gives up with 'timeout' when the workflow awaits something outside ctx", async () => {
    const stuck = defineWorkflow({
      name: "stuck",
      version: 1,
      input: z.object({}),
      async run(ctx) {
        await ctx.step("a", () => "a");
        await new Promise(() => {});
      },
    });
    const original: JournalEntry[] = [
      { seq: 0, stepId: "a", kind: "step", status: "succeeded", attempts: 1, output: "a", startedAt: new Date(), finishedAt: new Date() },
    ];
    const controller = new AbortController();
    const report = replayJournal({ definition: stuck, journal: original, run: run({}), signal: controller.signal });
    controller.abort();
    expect(await report).toMatchObject({ compatible: false, divergence: { reason: "timeout" } });
  });
});
