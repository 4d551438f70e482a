/**
 * Workflows used only by the durability tests and the benchmark. Their side effects go to the
 * real sink table (sink_effects) so tests count them by idempotency key.
 */
import { z } from "zod";
import type pg from "pg";
import { defineWorkflow, FatalError, type WorkflowContext } from "../sdk";
import { createSink } from "../demo/sink";
import { isDemoToolFailing } from "../demo/tool-flag-store";

let sink: ReturnType<typeof createSink> | null = null;
let flagPool: pg.Pool | null = null;
let workerLabel = "unknown";

/** The fixture worker calls this once at start; steps deliver their effects through it. */
export function configureFixtures(pool: pg.Pool, label: string) {
  sink = createSink(pool);
  flagPool = pool;
  workerLabel = label;
}

function requireSink() {
  if (!sink) throw new FatalError("fixture sink not configured: call configureFixtures(pool) first");
  return sink;
}

const pause = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), reject(signal.reason)), { once: true });
  });

/** N side-effecting steps in a row, with one LLM call in the middle. */
export const durableChain = defineWorkflow({
  name: "durable-chain",
  version: 1,
  input: z.object({ steps: z.number().int().min(1).max(100), delayMs: z.number().int().min(0).max(10_000) }),
  async run(ctx, input) {
    for (let i = 0; i < input.steps; i++) {
      if (i === Math.floor(input.steps / 2)) {
        await ctx.llm(`summarise-${i}`, { model: "gpt-4o-mini", messages: [{ role: "user", content: `Summarise step ${i}` }] });
      }
      await ctx.step(
        `effect-${i}`,
        async ({ idempotencyKey, signal }) => {
          const startedAt = Date.now();
          await pause(input.delayMs, signal);
          await requireSink().deliver({
            idempotencyKey,
            channel: "chain",
            payload: { i, worker: workerLabel, startedAt, endedAt: Date.now() },
          });
          return { i };
        },
        { sideEffect: true },
      );
    }
    return { done: input.steps };
  },
});

/** A step, a human gate, a step. */
export const approvalProbe = defineWorkflow({
  name: "approval-probe",
  version: 1,
  input: z.object({ label: z.string() }),
  async run(ctx, input) {
    await ctx.step("before", () => ({ label: input.label }));
    const decision = await ctx.waitForApproval("gate", { summary: `Let ${input.label} through?`, data: { label: input.label } });
    if (!decision.approved) return { status: "rejected" };
    await ctx.step("after", ({ idempotencyKey }) =>
      requireSink().deliver({ idempotencyKey, channel: "probe", payload: { label: input.label } }),
      { sideEffect: true },
    );
    return { status: "approved", by: decision.decidedBy ?? null };
  },
});

/** Two variants of one (name, version) whose first steps swap places: replaying one's journal with the other must fail. */
export function reorderProbe(variant: "original" | "reordered") {
  const order = variant === "original" ? ["first", "second"] : ["second", "first"];
  return defineWorkflow({
    name: "reorder-probe",
    version: 1,
    input: z.object({}),
    async run(ctx) {
      for (const id of order) await ctx.step(id, () => id);
      await ctx.waitForApproval("gate", { summary: "continue?" });
      await ctx.step("third", () => "third");
      return { order };
    },
  });
}

/** Kills its own worker process in the second step: a poison run that must be dead-lettered. */
export const poisonProbe = defineWorkflow({
  name: "poison-probe",
  version: 1,
  input: z.object({}),
  async run(ctx) {
    await ctx.step("prepare", () => "ok");
    await ctx.step("explode", () => {
      process.kill(process.pid, "SIGKILL");
      return pause(60_000);
    });
    return "unreachable";
  },
});

/** No-op steps, for the benchmark's per-step overhead and throughput. */
export const noopChain = defineWorkflow({
  name: "noop-chain",
  version: 1,
  input: z.object({ steps: z.number().int().min(1).max(1000) }),
  async run(ctx, input) {
    for (let i = 0; i < input.steps; i++) await ctx.step(`noop-${i}`, () => i);
    return { steps: input.steps };
  },
});

/** The flag (a `demo_tool_flags` row) that makes a replay-probe step fail; tests set it from outside the worker. */
export const replayProbeFlag = (stepId: string) => `replay-probe/${stepId}`;

/** A side-effecting replay-probe step: fails at once (no retries) while its flag is set, else delivers to the sink. */
function probeEffect(ctx: WorkflowContext, i: number, label: string) {
  const stepId = `effect-${i}`;
  return ctx.step(
    stepId,
    async ({ idempotencyKey }) => {
      if (!flagPool) throw new FatalError("fixture flags not configured: call configureFixtures(pool) first");
      if (await isDemoToolFailing(flagPool, replayProbeFlag(stepId))) {
        throw new FatalError(`${stepId} failed on purpose (flag ${replayProbeFlag(stepId)} is set); clear it and replay from this step.`);
      }
      return requireSink().deliver({ idempotencyKey, channel: "replay", payload: { i, label, worker: workerLabel } });
    },
    { sideEffect: true, retry: { maxAttempts: 1 } },
  );
}

const replayProbeInput = z.object({ label: z.string().min(1) });

/**
 * For replay tests: a plain step, side-effecting steps around an LLM call. Version 2 moves the LLM
 * call before the first effect (it diverges from version 1's journals at position 1); version 3
 * is version 1 plus one more effect (compatible with version 1's journals).
 */
export function replayProbe(version: 1 | 2 | 3) {
  const summarise = (ctx: WorkflowContext, label: string) =>
    ctx.llm("summarise", { model: "gpt-4o-mini", messages: [{ role: "user", content: `Summarise the delivery for ${label}` }] });
  if (version === 2) {
    return defineWorkflow({
      name: "replay-probe",
      version: 2,
      input: replayProbeInput,
      async run(ctx, input) {
        const prepared = await ctx.step("prepare", () => ({ label: input.label }));
        await summarise(ctx, input.label);
        for (let i = 0; i < 3; i++) await probeEffect(ctx, i, input.label);
        return { prepared: prepared.label, label: input.label, effects: 3 };
      },
    });
  }
  return defineWorkflow({
    name: "replay-probe",
    version,
    input: replayProbeInput,
    async run(ctx, input) {
      const prepared = await ctx.step("prepare", () => ({ label: input.label }));
      await probeEffect(ctx, 0, input.label);
      await summarise(ctx, input.label);
      await probeEffect(ctx, 1, input.label);
      await probeEffect(ctx, 2, input.label);
      if (ctx.workflow.version === 3) await probeEffect(ctx, 3, input.label);
      return { prepared: prepared.label, label: input.label, effects: ctx.workflow.version === 3 ? 4 : 3 };
    },
  });
}

/**
 * Carries its input into every payload column: a step output, a retried step's error, an LLM
 * prompt and reply, an approval's summary and data, and the run's output (or, with `fail`, its
 * error). The encryption-at-rest proof greps a database dump for it.
 */
export const canaryProbe = defineWorkflow({
  name: "canary-probe",
  version: 1,
  input: z.object({ note: z.string(), secret: z.string(), fail: z.boolean().default(false) }),
  async run(ctx, input) {
    const echoed = await ctx.step("echo", () => ({ note: input.note, secret: input.secret }));
    await ctx.step(
      "flaky",
      ({ attempt }) => {
        if (attempt === 1) throw new Error(`upstream refused the key ${input.secret}`);
        return { retried: true };
      },
      { retry: { maxAttempts: 2, initialDelayMs: 10 } },
    );
    await ctx.llm("draft", { model: "gpt-4o-mini", messages: [{ role: "user", content: `Write to ${input.note} with ${input.secret}` }] });
    const decision = await ctx.waitForApproval("review", { summary: `Send to ${input.note}?`, data: echoed });
    if (input.fail) throw new FatalError(`delivery with ${input.secret} was refused`);
    return { sentTo: input.note, approved: decision.approved };
  },
});

export function fixtureWorkflows(variant: "original" | "reordered" = "original") {
  return [durableChain, approvalProbe, reorderProbe(variant), poisonProbe, noopChain, replayProbe(1), replayProbe(2), replayProbe(3), canaryProbe];
}
