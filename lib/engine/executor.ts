/**
 * executeTick: re-runs a workflow from the top against its journal. Journaled calls return their
 * recorded results; the first new calls run and are recorded; a wait or a long retry backoff ends
 * the tick. Pure: every effect goes through the ports in the arguments.
 */
import { z } from "zod";
import { createWorkflowContext } from "./context";
import { NonDeterminismError, RunFailure, StepFailedError, serializeError } from "./errors";
import { formatBytes, jsonRoundTrip } from "./json";
import { DEFAULT_ENGINE_LIMITS, type EngineLimits, type ExecuteTickArgs } from "./tick-args";
import { TickState, isTickStop, runTimeoutError } from "./tick-state";
import type { InterruptedOutcome, SerializedError, TickOutcome } from "./types";

export { DEFAULT_ENGINE_LIMITS, DEFAULT_LLM_TIMEOUT_MS, DEFAULT_STEP_TIMEOUT_MS } from "./tick-args";
export type { EngineLimits, ExecuteTickArgs } from "./tick-args";

type RunResult = { ok: true; value: unknown } | { ok: false; error: unknown };

export async function executeTick(args: ExecuteTickArgs): Promise<TickOutcome | InterruptedOutcome> {
  const limits: EngineLimits = { ...DEFAULT_ENGINE_LIMITS, ...args.limits };
  if (args.shutdownSignal?.aborted) return { type: "interrupted" };
  const { definition, run, clock } = args;
  if (run.deadlineAt && clock.now().getTime() >= run.deadlineAt.getTime()) {
    return { type: "failed", error: serializeError(runTimeoutError(run.id, run.deadlineAt)) };
  }
  const parsed = definition.input.safeParse(run.input);
  if (!parsed.success) {
    const message = `The input of run ${run.id} does not match workflow "${definition.name}" version ${definition.version}:\n${z.prettifyError(parsed.error)}`;
    return { type: "failed", error: { name: "InvalidInputError", message, fatal: true, reason: "invalid_input" } };
  }

  const state = new TickState(args, limits);
  const onShutdown = () => state.interrupt();
  args.shutdownSignal?.addEventListener("abort", onShutdown, { once: true });
  void state.keepLeaseAlive();
  let result: RunResult | undefined;
  try {
    const ctx = createWorkflowContext(state);
    const running = Promise.resolve()
      .then(() => definition.run(ctx, parsed.data))
      .then(
        (value) => void (result = { ok: true, value }),
        (error) => void (result = { ok: false, error }),
      );
    await Promise.race([running, state.halted]);
    state.close();
    await state.drain();
  } finally {
    args.shutdownSignal?.removeEventListener("abort", onShutdown);
    state.dispose();
  }
  return decideOutcome(state, result);
}

/** What the tick ended with. Writer errors win, then shutdown, then engine failures, then waits. */
function decideOutcome(state: TickState, result: RunResult | undefined): TickOutcome | InterruptedOutcome {
  if (state.infraError) throw state.infraError.error;
  if (state.interrupted) return { type: "interrupted" };
  if (state.failure) return { type: "failed", error: state.failure };
  if (state.suspensions.length > 0) return suspendedOutcome(state);
  if (!result) throw new Error(`executeTick: run ${state.runId} ended without a result or a suspension (engine bug)`);
  if (!result.ok) return { type: "failed", error: runError(result.error) };

  const unreached = state.unreachedEntry();
  if (unreached) {
    const error = new NonDeterminismError({
      runId: state.runId,
      version: state.args.definition.version,
      position: unreached.seq,
      expected: { stepId: unreached.stepId, kind: unreached.kind },
      found: null,
    });
    return { type: "failed", error: serializeError(error, "non_determinism") };
  }
  let output;
  try {
    output = jsonRoundTrip(result.value);
  } catch (error) {
    return { type: "failed", error: serializeError(new RunFailure("OutputError", `The workflow returned a value that cannot be stored as JSON (${(error as Error).message}).`, "workflow_error")) };
  }
  if (output.bytes > state.limits.payloadMaxBytes) {
    const message = `The workflow returned ${formatBytes(output.bytes)}, above the ${formatBytes(state.limits.payloadMaxBytes)} limit. Return a reference to the data instead.`;
    return { type: "failed", error: serializeError(new RunFailure("PayloadTooLargeError", message, "payload_too_large")) };
  }
  return { type: "succeeded", output: output.value };
}

function suspendedOutcome(state: TickState): TickOutcome {
  const waiting = state.suspensions.some((suspension) => suspension.runStatus === "waiting");
  let wakeAt: number | null = null;
  for (const { wakeAt: at } of state.suspensions) {
    if (at && (wakeAt === null || at.getTime() < wakeAt)) wakeAt = at.getTime();
  }
  // Wake no later than the deadline, so a waiting run times out on time.
  const deadline = state.args.run.deadlineAt?.getTime();
  if (deadline !== undefined && (wakeAt === null || deadline < wakeAt)) wakeAt = deadline;
  return { type: "suspended", runStatus: waiting ? "waiting" : "running", wakeAt: wakeAt === null ? null : new Date(wakeAt) };
}

/** The run's error when the workflow threw: a failed step, or an error of the workflow's own. */
function runError(error: unknown): SerializedError {
  if (isTickStop(error)) {
    return { name: "EngineError", message: "The tick stopped without a recorded reason (engine bug).", reason: "workflow_error" };
  }
  if (error instanceof StepFailedError) {
    const { recorded, stepId, attempts } = error;
    const after = attempts > 1 ? ` after ${attempts} attempts` : "";
    return {
      ...recorded,
      message: `Step "${stepId}" failed${after}: ${recorded.message}`,
      fatal: true,
      reason: recorded.reason ?? "step_failed",
    };
  }
  return serializeError(error, "workflow_error");
}
