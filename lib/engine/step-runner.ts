/**
 * Runs a step (or an LLM call) durably: replays its journaled result, or runs attempts with a
 * timeout and retries, records each outcome, and suspends the tick for a long backoff.
 */
import { createPrng } from "./deterministic";
import { FatalError, PayloadTooLargeError, StepFailedError, StepTimeoutError, isFatalError, serializeError } from "./errors";
import { formatBytes, jsonRoundTrip } from "./json";
import { retryDelayMs } from "./retry";
import { TickStop, parked, type TickState } from "./tick-state";
import type { JournalEntry, Json, LlmCallFacts, RetryPolicy, SerializedError, SpanAttributes, StepContext } from "./types";

/** What an attempt produced; `llm` facts go into the journal entry. */
export interface AttemptResult {
  value: unknown;
  llm?: LlmCallFacts;
}

export interface AttemptContext extends StepContext {
  /** What an attempt learned before failing (recorded with the failed attempt) */
  facts: { llm?: Partial<LlmCallFacts> };
}

export interface DurableStepSpec {
  stepId: string;
  kind: "step" | "llm";
  retry: Required<RetryPolicy>;
  timeoutMs: number;
  sideEffect?: boolean;
  input?: Json;
  /** Name of the internal span opened per attempt; omit when the attempt opens its own span */
  spanName?: string;
  attempt(context: AttemptContext): Promise<AttemptResult>;
  /**
   * A gate before each attempt (an LLM call's budget reservation): "go" runs the attempt; "suspended"
   * and "stopped" end the step in this tick without recording an attempt (the gate ended the tick).
   */
  beforeAttempt?(seq: number, attempt: number): Promise<"go" | "suspended" | "stopped">;
}

type AttemptOutcome =
  | { type: "ok"; result: AttemptResult; startedAt: Date }
  | { type: "error"; error: unknown; timedOut: boolean; startedAt: Date; facts: AttemptContext["facts"] }
  | { type: "stopped" };

type StepOutcome = { type: "value"; value: Json } | { type: "failed"; error: StepFailedError } | { type: "suspended" } | { type: "stopped" };

/** Rejects with the signal's reason when it aborts first; the abandoned work keeps running unobserved. */
function settleOrAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function invoke<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Replays or runs one durable step; resolves with its (JSON round-tripped) output. */
export async function runDurableStep(state: TickState, spec: DurableStepSpec): Promise<Json> {
  const { seq, entry } = state.claim(spec.stepId, spec.kind);
  if (entry?.status === "succeeded") return entry.output ?? null;
  if (entry?.status === "failed") throw failedStepError(spec.stepId, entry);
  state.assertMayStartWork();
  const now = state.args.clock.now();
  if (entry?.wakeAt && entry.wakeAt.getTime() > now.getTime()) {
    // Woken before its retry is due (e.g. by an approval in a parallel branch): keep backing off.
    state.suspend({ stepId: spec.stepId, runStatus: "running", wakeAt: entry.wakeAt });
    return parked();
  }
  state.assertNotPoisoned(seq, spec.stepId);
  // A pending retry continues with the next attempt; an attempt the worker died in is run again.
  const attempt = entry ? (entry.wakeAt ? entry.attempts + 1 : Math.max(1, entry.attempts)) : 1;
  const outcome = await state.track(runAttempts(state, spec, seq, attempt, entry?.startedAt ?? now));
  switch (outcome.type) {
    case "value":
      return outcome.value;
    case "failed":
      throw outcome.error;
    case "suspended":
      return parked();
    case "stopped":
      throw new TickStop();
  }
}

function failedStepError(stepId: string, entry: JournalEntry): StepFailedError {
  const recorded = entry.error ?? { name: "Error", message: `Step "${stepId}" failed`, reason: "step_failed" };
  return new StepFailedError(stepId, recorded, entry.attempts);
}

async function runAttempts(state: TickState, spec: DurableStepSpec, seq: number, firstAttempt: number, stepStartedAt: Date): Promise<StepOutcome> {
  const { clock, log } = state.args;
  const base = { seq, stepId: spec.stepId, kind: spec.kind, input: spec.input, sideEffect: spec.sideEffect, startedAt: stepStartedAt };
  try {
    for (let attempt = firstAttempt; ; attempt++) {
      if (spec.beforeAttempt) {
        const gate = await spec.beforeAttempt(seq, attempt);
        if (gate !== "go") return { type: gate };
      }
      const outcome = await runAttempt(state, spec, seq, attempt);
      if (outcome.type === "stopped") return { type: "stopped" };

      if (outcome.type === "ok") {
        const stored = storeOutput(state, spec.stepId, outcome.result.value);
        if (stored.ok) {
          const entry: JournalEntry = {
            ...base,
            status: "succeeded",
            attempts: attempt,
            finishedAt: clock.now(),
            output: stored.value,
            ...(outcome.result.llm ? { llm: outcome.result.llm } : {}),
          };
          await state.write((writer) => writer.complete(entry));
          state.remember(entry);
          return { type: "value", value: stored.value };
        }
        return finish(state, { ...base, attempts: attempt, llm: outcome.result.llm }, serializeError(stored.error, "step_failed"));
      }

      const error = serializeError(outcome.error, "step_failed");
      const finishedAt = clock.now();
      if (isFatalError(outcome.error) || attempt >= spec.retry.maxAttempts) {
        return finish(state, { ...base, attempts: attempt, llm: outcome.facts.llm as LlmCallFacts | undefined }, error);
      }
      // Seeded by run, step and attempt: the same failure history always gives the same backoff.
      const delay = retryDelayMs(spec.retry, attempt, createPrng(`${state.runId}:${spec.stepId}:${attempt}`).next());
      const retryAt = new Date(finishedAt.getTime() + delay);
      await state.write((writer) =>
        writer.recordFailedAttempt(
          {
            seq,
            stepId: spec.stepId,
            kind: spec.kind,
            attempt,
            status: outcome.timedOut ? "timed_out" : "failed",
            error,
            startedAt: outcome.startedAt,
            finishedAt,
            ...(outcome.facts.llm ? { llm: outcome.facts.llm } : {}),
          },
          retryAt,
        ),
      );
      state.remember({ ...base, status: "running", attempts: attempt, wakeAt: retryAt, error });
      log.warn(`Step "${spec.stepId}" failed (attempt ${attempt} of ${spec.retry.maxAttempts}); retrying in ${delay} ms`, {
        runId: state.runId,
        stepId: spec.stepId,
        error: error.message,
      });
      if (delay > state.limits.inlineRetryMaxMs || state.stopping) {
        state.suspend({ stepId: spec.stepId, runStatus: "running", wakeAt: retryAt });
        return { type: "suspended" };
      }
      try {
        await clock.sleep(delay, state.args.shutdownSignal);
      } catch {
        state.interrupt();
        return { type: "stopped" };
      }
      if (state.shutdownRequested) {
        state.interrupt();
        return { type: "stopped" };
      }
    }
  } catch (error) {
    if (error instanceof TickStop) return { type: "stopped" };
    throw error;
  }
}

/** Records the step's final failure; the workflow sees it as a StepFailedError. */
async function finish(
  state: TickState,
  base: Omit<JournalEntry, "status" | "finishedAt" | "error" | "output" | "llm"> & { llm?: LlmCallFacts },
  error: SerializedError,
): Promise<StepOutcome> {
  const { llm, ...rest } = base;
  const entry: JournalEntry = { ...rest, status: "failed", finishedAt: state.args.clock.now(), error, ...(llm ? { llm } : {}) };
  await state.write((writer) => writer.complete(entry));
  state.remember(entry);
  return { type: "failed", error: failedStepError(base.stepId, entry) };
}

/** JSON round trip and size limits of a step's output. */
function storeOutput(state: TickState, stepId: string, value: unknown): { ok: true; value: Json } | { ok: false; error: Error } {
  let stored: { value: Json; bytes: number };
  try {
    stored = jsonRoundTrip(value);
  } catch (error) {
    return {
      ok: false,
      error: new FatalError(`Step "${stepId}" returned a value that cannot be stored as JSON (${(error as Error).message}). Return plain data.`),
    };
  }
  const { payloadMaxBytes, payloadWarnBytes } = state.limits;
  if (stored.bytes > payloadMaxBytes) {
    return { ok: false, error: new PayloadTooLargeError(stepId, formatBytes(stored.bytes), formatBytes(payloadMaxBytes)) };
  }
  if (stored.bytes > payloadWarnBytes) {
    state.args.log.warn(`Step "${stepId}" returned ${formatBytes(stored.bytes)}; outputs above ${formatBytes(payloadWarnBytes)} slow down every replay`, {
      runId: state.runId,
      stepId,
      bytes: stored.bytes,
    });
  }
  return { ok: true, value: stored.value };
}

/** One attempt: timeout, slow-step mark, span, and the link to shutdown and writer errors. */
async function runAttempt(state: TickState, spec: DurableStepSpec, seq: number, attempt: number): Promise<AttemptOutcome> {
  const { clock, tracer, definition, run } = state.args;
  const startedAt = clock.now();
  const controller = new AbortController();
  const unregister = state.registerAttempt(controller);
  const timers = new AbortController();
  const cancelTimers = () => timers.abort();
  state.tickSignal.addEventListener("abort", cancelTimers, { once: true });
  const timeout = new StepTimeoutError(spec.stepId, spec.timeoutMs);
  clock.sleep(spec.timeoutMs, timers.signal).then(
    () => controller.abort(timeout),
    () => undefined,
  );
  let marking: Promise<unknown> | undefined;
  clock.sleep(state.limits.slowStepMarkMs, timers.signal).then(
    () => {
      const running = { seq, stepId: spec.stepId, kind: spec.kind, attempts: attempt, startedAt, input: spec.input, sideEffect: spec.sideEffect };
      marking = state.write((writer) => writer.markRunning(running)).catch(() => undefined);
    },
    () => undefined,
  );

  const attributes: SpanAttributes = {
    "waymark.run.id": run.id,
    "waymark.workflow.name": definition.name,
    "waymark.workflow.version": definition.version,
    "waymark.step.id": spec.stepId,
    "waymark.step.kind": spec.kind,
    "waymark.step.position": seq,
    "waymark.step.attempt": attempt,
  };
  const span = spec.spanName ? tracer.startSpan(spec.spanName, { kind: "internal", attributes, startTime: startedAt }) : undefined;
  const context: AttemptContext = { idempotencyKey: `${run.id}:${spec.stepId}`, attempt, signal: controller.signal, facts: {} };

  state.activeAttempts++;
  let outcome: AttemptOutcome;
  try {
    const work = span ? tracer.withSpan(span, () => invoke(() => spec.attempt(context))) : invoke(() => spec.attempt(context));
    const result = await settleOrAbort(work, controller.signal);
    outcome = { type: "ok", result, startedAt };
  } catch (error) {
    const timedOut = controller.signal.aborted && controller.signal.reason === timeout;
    if (controller.signal.aborted && !timedOut) {
      outcome = { type: "stopped" }; // shutdown or a writer error: nothing is recorded for this attempt
    } else {
      outcome = { type: "error", error: timedOut ? timeout : error, timedOut, startedAt, facts: context.facts };
    }
  } finally {
    state.activeAttempts--;
    cancelTimers();
    state.tickSignal.removeEventListener("abort", cancelTimers);
    unregister();
  }
  if (span) {
    if (outcome.type === "error") {
      const error = outcome.error as { name?: string };
      span.setAttributes({ "error.type": error?.name ?? "Error" });
      span.recordError(outcome.error, error?.name ?? "Error");
    }
    span.end();
  }
  // The completion write must not overtake the "running" mark, or the row would go backwards.
  if (marking) await marking;
  if (state.infraError) return { type: "stopped" };
  return outcome;
}
