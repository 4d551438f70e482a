/** The `ctx` a workflow's `run` receives for one tick. */
import { uuidFromPrng } from "./deterministic";
import { runLlmStep } from "./llm-call";
import { resolveRetryPolicy } from "./retry";
import { runDurableStep } from "./step-runner";
import { DEFAULT_STEP_TIMEOUT_MS } from "./tick-args";
import type { TickState } from "./tick-state";
import type { StepContext, StepOptions, WorkflowContext } from "./types";
import { sleep, waitForApproval } from "./waits";

async function runPlainStep<T>(state: TickState, stepId: string, fn: (step: StepContext) => Promise<T> | T, options: StepOptions = {}): Promise<T> {
  if (typeof fn !== "function") throw new TypeError(`ctx.step("${stepId}", fn) needs a function to run.`);
  const defaults = state.args.definition.defaults;
  const output = await runDurableStep(state, {
    stepId,
    kind: "step",
    retry: resolveRetryPolicy(defaults?.retry, options.retry),
    timeoutMs: options.timeoutMs ?? defaults?.timeoutMs ?? DEFAULT_STEP_TIMEOUT_MS,
    sideEffect: options.sideEffect ?? false,
    spanName: `step ${stepId}`,
    attempt: async ({ idempotencyKey, attempt, signal }) => ({ value: await fn({ idempotencyKey, attempt, signal }) }),
  });
  // The journal holds JSON: T is what the author declared, the value is its JSON round trip.
  return output as T;
}

export function createWorkflowContext(state: TickState): WorkflowContext {
  const { definition, run } = state.args;
  return Object.freeze({
    runId: run.id,
    workflow: Object.freeze({ name: definition.name, version: definition.version }),
    step: <T>(id: string, fn: (step: StepContext) => Promise<T> | T, options?: StepOptions) => runPlainStep(state, id, fn, options),
    llm: (id, request) => runLlmStep(state, id, request),
    waitForApproval: (id, options) => waitForApproval(state, id, options),
    sleep: (id, ms) => sleep(state, id, ms),
    now: () => state.now(),
    random: () => state.prng.next(),
    uuid: () => uuidFromPrng(state.prng),
  } satisfies WorkflowContext);
}
