import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { FatalError, StaleEpochError } from "./errors";
import { InMemoryJournal, createTickHarness, fakeClock } from "./testing";
import type { JournalEntry, WorkflowContext } from "./types";

/** A three-step workflow whose step functions count their calls. */
function countingWorkflow(calls: Record<string, number>, version = 1) {
  const count = (id: string) => (calls[id] = (calls[id] ?? 0) + 1);
  return defineWorkflow({
    name: "counting",
    version,
    input: z.object({ n: z.number() }),
    async run(ctx, input) {
      const a = await ctx.step("add-one", () => (count("add-one"), input.n + 1));
      const b = await ctx.step("double", () => (count("double"), a * 2));
      const c = await ctx.step("square", () => (count("square"), b * b));
      return { a, b, c };
    },
  });
}

describe("executeTick: replay", () => {
  it("runs every step once on a fresh run and returns the output", async () => {
    const calls: Record<string, number> = {};
    const h = createTickHarness(countingWorkflow(calls), { input: { n: 1 } });
    const outcome = await h.tick();
    expect(outcome).toEqual({ type: "succeeded", output: { a: 2, b: 4, c: 16 } });
    expect(calls).toEqual({ "add-one": 1, double: 1, square: 1 });
    expect(h.journal.entries.map((e) => [e.seq, e.stepId, e.status, e.output])).toEqual([
      [0, "add-one", "succeeded", 2],
      [1, "double", "succeeded", 4],
      [2, "square", "succeeded", 16],
    ]);
  });

  it("returns recorded outputs on replay without running completed steps again", async () => {
    const calls: Record<string, number> = {};
    const h = createTickHarness(countingWorkflow(calls), { input: { n: 1 } });
    await h.tick();
    const again = await h.tick();
    expect(again).toEqual({ type: "succeeded", output: { a: 2, b: 4, c: 16 } });
    expect(calls).toEqual({ "add-one": 1, double: 1, square: 1 });
  });

  it("after a crash (journal prefix) runs only the steps that were not recorded", async () => {
    const calls: Record<string, number> = {};
    const h = createTickHarness(countingWorkflow(calls), { input: { n: 3 } });
    await h.tick();
    h.journal.truncate(1); // the worker died after recording "add-one"
    h.journal.bumpEpoch();
    const outcome = await h.tick({ recovery: { position: 1, crashes: 1 } });
    expect(outcome).toEqual({ type: "succeeded", output: { a: 4, b: 8, c: 64 } });
    expect(calls).toEqual({ "add-one": 1, double: 2, square: 2 });
  });

  it("accepts the journal in any order (it is indexed by seq)", async () => {
    const calls: Record<string, number> = {};
    const h = createTickHarness(countingWorkflow(calls), { input: { n: 1 } });
    await h.tick();
    const shuffled = [...h.journal.entries].reverse();
    expect(await h.tick({ journal: shuffled })).toMatchObject({ type: "succeeded" });
    expect(calls.double).toBe(1);
  });

  it("a journaled failure re-throws the recorded message, so catch logic replays the same way", async () => {
    let charges = 0;
    const wf = defineWorkflow({
      name: "compensate",
      version: 1,
      input: z.object({}),
      async run(ctx) {
        try {
          await ctx.step("charge", () => {
            charges++;
            throw new FatalError("card declined");
          });
          return "charged";
        } catch (error) {
          return `refused: ${(error as Error).message}`;
        }
      },
    });
    const h = createTickHarness(wf);
    expect(await h.tick()).toEqual({ type: "succeeded", output: "refused: card declined" });
    expect(await h.tick()).toEqual({ type: "succeeded", output: "refused: card declined" });
    expect(charges).toBe(1);
    expect(h.journal.entry("charge")).toMatchObject({ status: "failed", error: { message: "card declined", fatal: true } });
  });
});

describe("executeTick: non-determinism", () => {
  const journalOf = async (run: (ctx: WorkflowContext) => Promise<unknown>) => {
    const h = createTickHarness(defineWorkflow({ name: "nd", version: 4, input: z.any(), run }));
    await h.tick();
    return h.journal;
  };

  it("fails the run when steps were reordered, naming both steps and the position", async () => {
    const journal = await journalOf(async (ctx) => {
      await ctx.step("fetch", () => 1);
      await ctx.step("summarise", () => 2);
    });
    const changed = defineWorkflow({
      name: "nd",
      version: 4,
      input: z.any(),
      async run(ctx) {
        await ctx.step("summarise", () => 2);
        await ctx.step("fetch", () => 1);
      },
    });
    const outcome = await createTickHarness(changed, { journal, runId: "run-1" }).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "NonDeterminismError", reason: "non_determinism" } });
    const message = outcome.type === "failed" ? outcome.error.message : "";
    expect(message).toContain('Non-determinism in run run-1: expected step "fetch" (step) at position 0, found "summarise" (step)');
    expect(message).toContain("The workflow code changed under version 4; start a new version or replay the run.");
  });

  it("fails the run when a step's kind changed", async () => {
    const journal = await journalOf(async (ctx) => {
      await ctx.step("one", () => 1);
      await ctx.step("draft", () => "text");
    });
    const changed = defineWorkflow({
      name: "nd",
      version: 4,
      input: z.any(),
      async run(ctx) {
        await ctx.step("one", () => 1);
        await ctx.llm("draft", { model: "m", messages: [{ role: "user", content: "hi" }] });
      },
    });
    const outcome = await createTickHarness(changed, { journal }).tick();
    expect(outcome.type === "failed" && outcome.error.message).toContain('expected step "draft" (step) at position 1, found "draft" (llm)');
  });

  it("cannot be caught by the workflow: the run still fails", async () => {
    const journal = await journalOf(async (ctx) => void (await ctx.step("a", () => 1)));
    let afterCatch = 0;
    const changed = defineWorkflow({
      name: "nd",
      version: 4,
      input: z.any(),
      async run(ctx) {
        try {
          await ctx.step("b", () => 1);
        } catch {
          afterCatch++;
          return "swallowed";
        }
      },
    });
    const outcome = await createTickHarness(changed, { journal }).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { reason: "non_determinism" } });
    expect(afterCatch).toBe(1);
  });

  it("fails the run when steps were removed (the workflow returns before the journal ends)", async () => {
    const journal = await journalOf(async (ctx) => {
      await ctx.step("a", () => 1);
      await ctx.step("b", () => 2);
    });
    const shorter = defineWorkflow({ name: "nd", version: 4, input: z.any(), run: async (ctx) => ctx.step("a", () => 1) });
    const outcome = await createTickHarness(shorter, { journal }).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { reason: "non_determinism" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain('journal holds step "b" (step)');
  });
});

describe("executeTick: step ids", () => {
  it("fails the run on a duplicate step id", async () => {
    const wf = defineWorkflow({
      name: "dup",
      version: 1,
      input: z.any(),
      async run(ctx) {
        await ctx.step("same", () => 1);
        await ctx.step("same", () => 2);
      },
    });
    const outcome = await createTickHarness(wf).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "DuplicateStepIdError", reason: "workflow_error" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain('Step id "same" is used twice');
  });

  it.each([
    ["", "empty"],
    ["a:b", 'contains ":"'],
    ["x".repeat(201), "201 characters"],
  ])("fails the run on the invalid step id %j", async (id, problem) => {
    const wf = defineWorkflow({ name: "bad-id", version: 1, input: z.any(), run: (ctx) => ctx.step(id, () => 1) });
    const outcome = await createTickHarness(wf).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "InvalidStepIdError", reason: "workflow_error" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain(problem);
  });

  it("fails the run past maxStepsPerRun", async () => {
    const wf = defineWorkflow({
      name: "loop",
      version: 1,
      input: z.any(),
      async run(ctx) {
        for (let i = 0; ; i++) await ctx.step(`turn-${i}`, () => i);
      },
    });
    const outcome = await createTickHarness(wf, { limits: { maxStepsPerRun: 5 } }).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "StepLimitError", reason: "workflow_error" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain('limit of 5 durable calls at step "turn-5"');
  });
});

describe("executeTick: parallel steps", () => {
  it("gives Promise.all calls positions in call order and records both, whatever finishes first", async () => {
    const wf = defineWorkflow({
      name: "fan-out",
      version: 1,
      input: z.any(),
      async run(ctx) {
        const slow = ctx.step("slow", async () => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          return "slow";
        });
        const fast = ctx.step("fast", () => "fast");
        return Promise.all([slow, fast]);
      },
    });
    const h = createTickHarness(wf);
    expect(await h.tick()).toEqual({ type: "succeeded", output: ["slow", "fast"] });
    expect(h.journal.entries.map((e) => [e.seq, e.stepId, e.status])).toEqual([
      [0, "slow", "succeeded"],
      [1, "fast", "succeeded"],
    ]);
    expect(h.journal.writes.filter((w) => w.method === "complete").map((w) => "stepId" in w && w.stepId)).toEqual(["fast", "slow"]);
    expect(await h.tick()).toEqual({ type: "succeeded", output: ["slow", "fast"] });
  });

  it("lets steps started together with a wait finish and records them before suspending", async () => {
    let ran = 0;
    const wf = defineWorkflow({
      name: "mixed",
      version: 1,
      input: z.any(),
      async run(ctx) {
        await Promise.all([ctx.sleep("nap", 60_000), ctx.step("work", async () => ++ran)]);
        return ctx.step("after", () => "done");
      },
    });
    const h = createTickHarness(wf);
    const first = await h.tick();
    expect(first).toEqual({ type: "suspended", runStatus: "waiting", wakeAt: new Date(h.clock.now().getTime() + 60_000) });
    expect(h.journal.entries.map((e) => [e.stepId, e.status])).toEqual([
      ["nap", "waiting"],
      ["work", "succeeded"],
    ]);
    h.clock.advance(60_000);
    expect(await h.tick()).toEqual({ type: "succeeded", output: "done" });
    expect(ran).toBe(1);
  });

  it("does not start calls made after the tick began suspending", async () => {
    let laterRan = 0;
    const wf = defineWorkflow({
      name: "after-wait",
      version: 1,
      input: z.any(),
      async run(ctx) {
        const waiting = ctx.waitForApproval("ok", { summary: "go?" });
        await ctx.step("first", () => 1);
        await ctx.step("later", () => ++laterRan);
        return waiting;
      },
    });
    const h = createTickHarness(wf);
    expect(await h.tick()).toMatchObject({ type: "suspended", runStatus: "waiting", wakeAt: null });
    expect(laterRan).toBe(0);
    expect(h.journal.entries.map((e) => e.stepId)).toEqual(["ok", "first"]);
  });
});

describe("executeTick: determinism helpers", () => {
  it("ctx.now, ctx.random and ctx.uuid return the same values on every replay", async () => {
    const seen: unknown[] = [];
    const wf = defineWorkflow({
      name: "helpers",
      version: 1,
      input: z.any(),
      async run(ctx) {
        const values = { start: ctx.now().toISOString(), random: ctx.random(), uuid: ctx.uuid() } as Record<string, unknown>;
        await ctx.step("a", () => 1);
        values.afterStep = ctx.now().toISOString();
        await ctx.sleep("nap", 5000);
        values.afterSleep = ctx.now().toISOString();
        values.random2 = ctx.random();
        seen.push(values);
        return values;
      },
    });
    const clock = fakeClock(new Date("2026-03-01T10:00:00.000Z"));
    const h = createTickHarness(wf, { clock, runId: "run-det" });
    expect(await h.tick()).toMatchObject({ type: "suspended" });
    clock.advance(7000);
    const first = await h.tick();
    clock.advance(3_600_000);
    const replay = await h.tick();
    expect(first).toMatchObject({ type: "succeeded" });
    expect(replay).toEqual(first);
    const values = (first as { output: Record<string, unknown> }).output;
    expect(values.start).toBe("2026-03-01T10:00:00.000Z");
    expect(values.afterSleep).toBe("2026-03-01T10:00:07.000Z");
    expect(values.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(values.random).not.toBe(values.random2);
    expect(seen).toHaveLength(2);
  });
});

describe("executeTick: failures of the run", () => {
  it("fails with invalid_input when the input does not match the schema", async () => {
    const outcome = await createTickHarness(countingWorkflow({}), { input: { n: "one" } }).tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "InvalidInputError", reason: "invalid_input" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain("n");
  });

  it("fails with run_timeout once the deadline passed, before running anything", async () => {
    const calls: Record<string, number> = {};
    const clock = fakeClock();
    const h = createTickHarness(countingWorkflow(calls), { input: { n: 1 }, clock, deadlineAt: new Date(clock.now().getTime() + 1000) });
    clock.advance(1000);
    const outcome = await h.tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "RunTimeoutError", reason: "run_timeout" } });
    expect(calls).toEqual({});
  });

  it("wakes a waiting run at its deadline so it can time out", async () => {
    const clock = fakeClock();
    const deadlineAt = new Date(clock.now().getTime() + 60_000);
    const wf = defineWorkflow({ name: "forever", version: 1, input: z.any(), run: (ctx) => ctx.waitForApproval("ok", { summary: "go?" }) });
    const h = createTickHarness(wf, { clock, deadlineAt });
    expect(await h.tick()).toEqual({ type: "suspended", runStatus: "waiting", wakeAt: deadlineAt });
    clock.advanceTo(deadlineAt);
    expect(await h.tick()).toMatchObject({ type: "failed", error: { reason: "run_timeout" } });
  });

  it("fails with step_failed naming the step when the workflow does not catch a failed step", async () => {
    const wf = defineWorkflow({ name: "fails", version: 1, input: z.any(), run: (ctx) => ctx.step("charge", () => Promise.reject(new FatalError("card declined"))) });
    const outcome = await createTickHarness(wf).tick();
    expect(outcome).toMatchObject({
      type: "failed",
      error: { name: "FatalError", message: 'Step "charge" failed: card declined', fatal: true, reason: "step_failed" },
    });
  });

  it("fails with workflow_error when the workflow's own code throws", async () => {
    const wf = defineWorkflow({
      name: "buggy",
      version: 1,
      input: z.any(),
      async run() {
        throw new TypeError("cannot read properties of undefined");
      },
    });
    expect(await createTickHarness(wf).tick()).toMatchObject({
      type: "failed",
      error: { name: "TypeError", message: "cannot read properties of undefined", reason: "workflow_error" },
    });
  });

  it("dead-letters a step the worker died in too often, without running it", async () => {
    let sends = 0;
    const wf = defineWorkflow({
      name: "poison",
      version: 1,
      input: z.any(),
      async run(ctx) {
        for (let i = 0; i < 4; i++) await ctx.step(`prep-${i}`, () => i);
        await ctx.step("send-email", () => ++sends, { sideEffect: true });
      },
    });
    const journal = new InMemoryJournal();
    const h = createTickHarness(wf, { journal });
    await h.tick();
    journal.truncate(4);
    sends = 0;
    const outcome = await h.tick({ recovery: { position: 4, crashes: 3 } });
    expect(outcome).toMatchObject({ type: "failed", error: { name: "DeadLetterError", reason: "dead_letter" } });
    expect(outcome.type === "failed" && outcome.error.message).toBe(
      'Dead-lettered: the worker died 3 times while running step "send-email" (position 4). Fix the step and replay the run from it.',
    );
    expect(sends).toBe(0);

    expect(await h.tick({ recovery: { position: 4, crashes: 2 } })).toMatchObject({ type: "succeeded" });
    expect(sends).toBe(1);
  });
});

describe("executeTick: recovery after a crash", () => {
  const parallel = (ran: string[]) =>
    defineWorkflow({
      name: "parallel-crash",
      version: 1,
      input: z.any(),
      async run(ctx) {
        await ctx.step("a", () => ran.push("a"));
        await Promise.all([ctx.step("b", ({ attempt }) => ran.push(`b@${attempt}`)), ctx.step("c", () => ran.push("c"))]);
      },
    });
  const crashedJournal = (): JournalEntry[] => {
    const at = new Date("2026-01-01T00:00:00.000Z");
    return [
      { seq: 0, stepId: "a", kind: "step", status: "succeeded", attempts: 1, output: 1, startedAt: at, finishedAt: at },
      { seq: 1, stepId: "b", kind: "step", status: "running", attempts: 2, startedAt: at }, // the worker died in attempt 2
      { seq: 2, stepId: "c", kind: "step", status: "succeeded", attempts: 1, output: 2, startedAt: at, finishedAt: at },
    ];
  };

  it("re-runs the attempt the worker died in, keeping its number", async () => {
    const ran: string[] = [];
    const h = createTickHarness(parallel(ran), { journal: new InMemoryJournal(crashedJournal()) });
    expect(await h.tick({ recovery: { position: 2, crashes: 1 } })).toMatchObject({ type: "succeeded" });
    expect(ran).toEqual(["b@2"]);
  });

  it("dead-letters the open step when the data layer counts finished entries as the position", async () => {
    const ran: string[] = [];
    const h = createTickHarness(parallel(ran), { journal: new InMemoryJournal(crashedJournal()) });
    const outcome = await h.tick({ recovery: { position: 2, crashes: 3 } });
    expect(outcome.type === "failed" && outcome.error.message).toContain('while running step "b" (position 1)');
    expect(ran).toEqual([]);
  });

  it("does not dead-letter when the run moved on since the crashes", async () => {
    const ran: string[] = [];
    const h = createTickHarness(parallel(ran), { journal: new InMemoryJournal(crashedJournal()) });
    expect(await h.tick({ recovery: { position: 0, crashes: 5 } })).toMatchObject({ type: "succeeded" });
  });
});

describe("executeTick: the writer and the worker", () => {
  it("propagates StaleEpochError and makes no further writes", async () => {
    const started: string[] = [];
    const wf = defineWorkflow({
      name: "fenced",
      version: 1,
      input: z.any(),
      async run(ctx) {
        await ctx.step("one", () => started.push("one"));
        await ctx.step("two", () => started.push("two"));
        await ctx.step("three", () => started.push("three"));
      },
    });
    const journal = new InMemoryJournal();
    const h = createTickHarness(wf, { journal });
    const writer = journal.writer(h.runId);
    const fencingWriter = {
      ...writer,
      complete: async (entry: JournalEntry) => {
        if (entry.stepId === "two") journal.bumpEpoch(); // another worker claims the run meanwhile
        return writer.complete(entry);
      },
    };
    await expect(h.tick({ writer: fencingWriter })).rejects.toBeInstanceOf(StaleEpochError);
    expect(started).toEqual(["one", "two"]);
    expect(journal.entries.map((e) => e.stepId)).toEqual(["one"]);
    expect(journal.writes.map((w) => w.method)).toEqual(["complete"]);
  });

  it("returns interrupted on shutdown and does not record the in-flight attempt", async () => {
    const controller = new AbortController();
    const wf = defineWorkflow({
      name: "long",
      version: 1,
      input: z.any(),
      async run(ctx) {
        await ctx.step("quick", () => 1);
        await ctx.step("slow", ({ signal }) => {
          setTimeout(() => controller.abort(new Error("SIGTERM")), 0);
          return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
        });
      },
    });
    const h = createTickHarness(wf);
    expect(await h.tick({ shutdownSignal: controller.signal })).toEqual({ type: "interrupted" });
    expect(h.journal.entries.map((e) => [e.stepId, e.status])).toEqual([["quick", "succeeded"]]);
    expect(h.journal.attempts).toEqual([]);
  });

  it("returns interrupted at once when the worker is already shutting down", async () => {
    const controller = new AbortController();
    controller.abort();
    const outcome = await createTickHarness(countingWorkflow({}), { input: { n: 1 } }).tick({ shutdownSignal: controller.signal });
    expect(outcome).toEqual({ type: "interrupted" });
  });
});
