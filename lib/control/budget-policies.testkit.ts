/**
 * Shared by the budget proofs (budgets, budget-policies, budget-alerts int tests): workflows of N
 * LLM calls, a tick runtime whose every call costs exactly its estimate (so "never exceeds" is an
 * exact check), and a loop that ticks a run in this process until it ends or waits.
 */
import { z } from "zod";
import { defineWorkflow } from "../engine/definition";
import type { Clock, LlmClient, RunStatus, WorkflowDefinition } from "../engine/types";
import { noopTracer } from "../telemetry/noop-tracer";
import type { ControlDeps } from "./deps";
import { executeRunTick, type TickRuntime } from "./execute-tick";
import { systemClock } from "./system-clock";

/** A workflow of `calls` LLM steps `ask-<i>`, all at once (`parallel`) or one after another. */
export function llmCallsWorkflow(name: string, calls: number, options: { parallel: boolean }): WorkflowDefinition {
  return defineWorkflow({
    name,
    version: 1,
    input: z.object({ label: z.string() }),
    async run(ctx, input) {
      const ask = (i: number) => ctx.llm(`ask-${i}`, { model: "gpt-4o-mini", maxTokens: 10, messages: [{ role: "user", content: `${input.label} part ${i}` }] });
      if (options.parallel) await Promise.all(Array.from({ length: calls }, (_, i) => ask(i)));
      else for (let i = 0; i < calls; i++) await ask(i);
      return { calls };
    },
  });
}

/** Completions asked for per run id, and in all. */
export interface CallCounter {
  perRun: Map<string, number>;
  total: number;
}

/** A tick runtime whose calls cost `costUsd` each, exactly their estimate; counts the calls. */
export function fixedCostRuntime(costUsd: number, options: { clock?: Clock } = {}): { runtime: TickRuntime; calls: CallCounter } {
  const calls: CallCounter = { perRun: new Map(), total: 0 };
  const llm: LlmClient = {
    async complete(request, callOptions) {
      const runId = callOptions.idempotencyKey.split(":")[0]!;
      calls.perRun.set(runId, (calls.perRun.get(runId) ?? 0) + 1);
      calls.total++;
      return { text: `ok ${request.model}`, usage: { inputTokens: 5, outputTokens: 5 }, model: request.model, finishReason: "stop", provider: "test", costUsd };
    },
  };
  const runtime: TickRuntime = {
    llm,
    tracer: noopTracer,
    clock: options.clock ?? systemClock,
    leaseMs: 30_000,
    maxCrashesPerStep: 3,
    inlineRetryMaxMs: 2_000,
    estimateLlmCall: async () => ({ usd: costUsd, tokens: 10 }),
  };
  return { runtime, calls };
}

/** Ticks the run in this process until it ends or waits; returns its status. */
export async function driveRun(deps: ControlDeps, runtime: TickRuntime, runId: string): Promise<RunStatus> {
  for (let tick = 0; tick < 20; tick++) {
    await executeRunTick(deps, runtime, runId, "budget-test");
    const { rows } = await deps.db.pool.query<{ status: RunStatus }>("SELECT status FROM runs WHERE id = $1", [runId]);
    if (rows[0]!.status !== "queued" && rows[0]!.status !== "running") return rows[0]!.status;
  }
  throw new Error(`Run ${runId} did not end or wait within 20 ticks.`);
}
