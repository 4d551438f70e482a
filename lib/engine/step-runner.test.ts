import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineWorkflow } from "./definition";
import { FatalError } from "./errors";
import { createTickHarness, recordingLogger, recordingTracer, runWorkflowForTest } from "./testing";
import type { JournalEntry, StepContext, StepOptions, WorkflowDefinition } from "./types";

/** A workflow of one step `flaky` running `fn`, then returning its output. */
function oneStep(fn: (step: StepContext) => unknown, options?: StepOptions): WorkflowDefinition<unknown, unknown> {
  return defineWorkflow({
    name: "one-step",
    version: 1,
    input: z.any(),
    run: (ctx) => ctx.step("flaky", fn, options),
  });
}

/** Fails `failures` times, then returns "ok"; records each attempt's context. */
function failingTimes(failures: number, seen: StepContext[] = []) {
  return (step: StepContext) => {
    seen.push(step);
    if (step.attempt <= failures) throw new Error(`boom ${step.attempt}`);
    return "ok";
  };
}

describe("steps: retries", () => {
  it("retries with backoff in-process and succeeds, recording the failed attempts", async () => {
    const seen: StepContext[] = [];
    const h = createTickHarness(oneStep(failingTimes(2, seen), { retry: { maxAttempts: 3, initialDelayMs: 100 } }));
    const outcome = await h.tick();
    expect(outcome).toEqual({ type: "succeeded", output: "ok" });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
    expect(h.journal.attempts.map((a) => [a.attempt, a.status, a.error.message])).toEqual([
      [1, "failed", "boom 1"],
      [2, "failed", "boom 2"],
    ]);
    expect(h.journal.entry("flaky")).toMatchObject({ status: "succeeded", attempts: 3, output: "ok" });
    // Exponential backoff on the (virtual) clock: 100 ms then 200 ms, jitter taking at most 20 % off.
    const retries = h.journal.writes.filter((w) => w.method === "recordFailedAttempt") as Array<{ retryAt: Date }>;
    const delays = retries.map((w, i) => w.retryAt.getTime() - h.journal.attempts[i].finishedAt.getTime());
    expect(delays[0]).toBeGreaterThanOrEqual(80);
    expect(delays[0]).toBeLessThanOrEqual(100);
    expect(delays[1]).toBeGreaterThanOrEqual(160);
    expect(delays[1]).toBeLessThanOrEqual(200);
  });

  it("suspends for a backoff longer than inlineRetryMaxMs and continues with the next attempt", async () => {
    const seen: StepContext[] = [];
    const h = createTickHarness(oneStep(failingTimes(1, seen), { retry: { initialDelayMs: 30_000, jitter: 0 } }));
    const first = await h.tick();
    expect(first).toEqual({ type: "suspended", runStatus: "running", wakeAt: new Date(h.clock.now().getTime() + 30_000) });
    expect(h.journal.entry("flaky")).toMatchObject({ status: "running", attempts: 1, wakeAt: new Date(h.clock.now().getTime() + 30_000) });

    // Woken early (e.g. by a parallel approval): it keeps backing off without running.
    expect(await h.tick()).toMatchObject({ type: "suspended", runStatus: "running" });
    expect(seen).toHaveLength(1);

    h.clock.advance(30_000);
    expect(await h.tick()).toEqual({ type: "succeeded", output: "ok" });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2]);
    expect(h.journal.entry("flaky")).toMatchObject({ status: "succeeded", attempts: 2 });
  });

  it("fails the step when attempts run out and the run with step_failed", async () => {
    const h = createTickHarness(oneStep(failingTimes(5), { retry: { maxAttempts: 2, initialDelayMs: 10 } }));
    const outcome = await h.tick();
    expect(outcome).toMatchObject({
      type: "failed",
      error: { name: "Error", message: 'Step "flaky" failed after 2 attempts: boom 2', reason: "step_failed" },
    });
    expect(h.journal.entry("flaky")).toMatchObject({ status: "failed", attempts: 2, error: { message: "boom 2" } });
    expect(h.journal.attempts).toHaveLength(1);
  });

  it("stops at once on FatalError", async () => {
    let calls = 0;
    const h = createTickHarness(
      oneStep(
        () => {
          calls++;
          throw new FatalError("invalid lane");
        },
        { retry: { maxAttempts: 5 } },
      ),
    );
    expect(await h.tick()).toMatchObject({ type: "failed", error: { message: 'Step "flaky" failed: invalid lane', fatal: true } });
    expect(calls).toBe(1);
    expect(h.journal.attempts).toEqual([]);
    expect(h.journal.entry("flaky")).toMatchObject({ status: "failed", attempts: 1, error: { name: "FatalError", fatal: true } });
  });

  it("treats errors marked fatal: true by adapters as fatal", async () => {
    let calls = 0;
    const h = createTickHarness(oneStep(() => (calls++, Promise.reject(Object.assign(new Error("400 bad request"), { fatal: true })))));
    expect(await h.tick()).toMatchObject({ type: "failed" });
    expect(calls).toBe(1);
  });

  it("retries through ticks in the test runner (each backoff passes on the fake clock)", async () => {
    const seen: StepContext[] = [];
    const result = await runWorkflowForTest(oneStep(failingTimes(2, seen)), {});
    expect(result).toMatchObject({ status: "succeeded", output: "ok", ticks: 3 });
    expect(seen.map((s) => s.attempt)).toEqual([1, 2, 3]);
  });
});

describe("steps: timeouts", () => {
  it("aborts the signal and counts a timed_out attempt, then retries", async () => {
    const aborted: unknown[] = [];
    const h = createTickHarness(
      oneStep(
        ({ attempt, signal }) => {
          if (attempt > 1) return "second time lucky";
          signal.addEventListener("abort", () => aborted.push(signal.reason));
          return new Promise(() => {}); // hangs
        },
        { timeoutMs: 5000, retry: { initialDelayMs: 10 } },
      ),
    );
    expect(await h.tick()).toEqual({ type: "succeeded", output: "second time lucky" });
    expect(aborted).toHaveLength(1);
    expect(aborted[0]).toMatchObject({ name: "StepTimeoutError" });
    expect(h.journal.attempts).toMatchObject([{ attempt: 1, status: "timed_out", error: { name: "StepTimeoutError" } }]);
    expect(h.journal.attempts[0].error.message).toContain('Step "flaky" did not finish within 5000 ms');
  });

  it("fails the step when every attempt times out", async () => {
    const h = createTickHarness(oneStep(() => new Promise(() => {}), { timeoutMs: 1000, retry: { maxAttempts: 2, initialDelayMs: 10 } }));
    expect(await h.tick()).toMatchObject({ type: "failed", error: { name: "StepTimeoutError", reason: "step_failed" } });
  });

  it("uses the definition's default timeout", async () => {
    const wf = defineWorkflow({
      name: "defaults",
      version: 1,
      input: z.any(),
      defaults: { timeoutMs: 2000, retry: { maxAttempts: 1 } },
      run: (ctx) => ctx.step("hang", () => new Promise(() => {})),
    });
    const h = createTickHarness(wf);
    const startedAt = h.clock.now().getTime();
    expect(await h.tick()).toMatchObject({ type: "failed", error: { name: "StepTimeoutError" } });
    expect(h.journal.entry("hang")?.error?.message).toContain("2000 ms");
    expect(h.journal.entry("hang")?.finishedAt?.getTime()).toBe(startedAt + 2000);
  });
});

describe("steps: what the step receives and returns", () => {
  it("passes idempotencyKey <runId>:<stepId> and the attempt number", async () => {
    const seen: StepContext[] = [];
    await createTickHarness(oneStep(failingTimes(1, seen), { retry: { initialDelayMs: 1 } }), { runId: "run-42" }).tick();
    expect(seen.map((s) => [s.idempotencyKey, s.attempt])).toEqual([
      ["run-42:flaky", 1],
      ["run-42:flaky", 2],
    ]);
  });

  it("returns the JSON round trip of the value on the first execution too", async () => {
    const wf = defineWorkflow({
      name: "json",
      version: 1,
      input: z.any(),
      async run(ctx) {
        const value = await ctx.step("make", () => ({ at: new Date("2026-01-02T03:04:05.000Z"), missing: undefined, n: 1 }));
        const nothing = await ctx.step("nothing", () => undefined);
        return { value, nothing, type: typeof value.at };
      },
    });
    const h = createTickHarness(wf);
    const expected = { value: { at: "2026-01-02T03:04:05.000Z", n: 1 }, nothing: null, type: "string" };
    expect(await h.tick()).toEqual({ type: "succeeded", output: expected });
    expect(await h.tick()).toEqual({ type: "succeeded", output: expected });
  });

  it("fails the step without retries when its output cannot be stored as JSON", async () => {
    let calls = 0;
    const h = createTickHarness(oneStep(() => (calls++, { big: 10n })));
    expect(await h.tick()).toMatchObject({ type: "failed", error: { name: "FatalError", reason: "step_failed" } });
    expect(calls).toBe(1);
  });

  it("refuses an output above payloadMaxBytes with payload_too_large and warns above payloadWarnBytes", async () => {
    const log = recordingLogger();
    const limits = { payloadWarnBytes: 1024, payloadMaxBytes: 4096 };
    const big = createTickHarness(oneStep(() => "x".repeat(5000)), { limits, log });
    const outcome = await big.tick();
    expect(outcome).toMatchObject({ type: "failed", error: { name: "PayloadTooLargeError", reason: "payload_too_large" } });
    expect(outcome.type === "failed" && outcome.error.message).toContain("returned 4.9 KiB, above the 4.0 KiB limit");
    expect(big.journal.entry("flaky")).toMatchObject({ status: "failed", error: { reason: "payload_too_large" } });

    const medium = createTickHarness(oneStep(() => "x".repeat(2000)), { limits, log });
    expect(await medium.tick()).toMatchObject({ type: "succeeded" });
    expect(log.lines.filter((l) => l.level === "warn").map((l) => l.message)).toEqual([
      expect.stringContaining('Step "flaky" returned 2.0 KiB'),
    ]);
  });

  it("records sideEffect on the entry", async () => {
    const h = createTickHarness(oneStep(() => 1, { sideEffect: true }));
    await h.tick();
    expect(h.journal.entry("flaky")).toMatchObject({ sideEffect: true });
  });

  it("opens a span per attempt named step <id>", async () => {
    const tracer = recordingTracer();
    await createTickHarness(oneStep(failingTimes(1), { retry: { initialDelayMs: 1 } }), { tracer }).tick();
    expect(tracer.spans.map((s) => [s.name, s.kind, s.attributes["waymark.step.attempt"], s.errors.length, s.ended])).toEqual([
      ["step flaky", "internal", 1, 1, true],
      ["step flaky", "internal", 2, 0, true],
    ]);
    expect(tracer.spans[0].attributes).toMatchObject({ "waymark.run.id": "run-1", "waymark.step.id": "flaky", "error.type": "Error" });
  });
});

describe("steps: slow-step mark", () => {
  it("marks a slow step running and completes it only after the mark was written", async () => {
    const order: string[] = [];
    let releaseMark!: () => void;
    const markWritten = new Promise<void>((resolve) => (releaseMark = resolve));
    let stepStarted!: () => void;
    const started = new Promise<void>((resolve) => (stepStarted = resolve));
    const h = createTickHarness(
      oneStep(() => {
        stepStarted();
        return new Promise((resolve) => setTimeout(() => resolve("slow"), 20));
      }),
    );
    const writer = h.journal.writer(h.runId);
    const slowMarkWriter = {
      ...writer,
      markRunning: async (entry: Parameters<typeof writer.markRunning>[0]) => {
        order.push("mark:start");
        setTimeout(releaseMark, 40); // the database is slow to accept the mark
        await markWritten;
        await writer.markRunning(entry);
        order.push("mark:done");
      },
      complete: async (entry: JournalEntry) => {
        order.push("complete");
        await writer.complete(entry);
      },
    };
    const tick = h.tick({ writer: slowMarkWriter });
    await started;
    h.clock.advance(100); // the step is still running after slowStepMarkMs
    expect(await tick).toEqual({ type: "succeeded", output: "slow" });
    expect(order).toEqual(["mark:start", "mark:done", "complete"]);
    expect(h.journal.entry("flaky")).toMatchObject({ status: "succeeded", attempts: 1 });
  });

  it("does not mark fast steps", async () => {
    const h = createTickHarness(oneStep(() => "fast"));
    await h.tick();
    expect(h.journal.writes.map((w) => w.method)).toEqual(["complete"]);
  });
});
