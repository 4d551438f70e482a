/**
 * The engine's error classes. Two of them decide retries: `FatalError` stops a step at once,
 * everything else is retried. The others describe why a run could not go on.
 */
import type { FailureReason, SerializedError, StepKind } from "./types";

/** Throw it from a step (or have an adapter throw it) to fail the step at once, without retries. */
export class FatalError extends Error {
  override name = "FatalError";
  readonly fatal = true;
  /** Why the run fails if the workflow does not catch this error. */
  readonly reason?: FailureReason;

  constructor(message: string, options?: { cause?: unknown; reason?: FailureReason }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options?.reason;
  }
}

/**
 * What the workflow sees when a step failed for good (on the first execution and on every replay).
 * `message` is the step's own error message, so author try/catch logic replays identically.
 */
export class StepFailedError extends FatalError {
  override name = "StepFailedError";
  readonly stepId: string;
  readonly attempts: number;
  /** The step's error as recorded in the journal */
  readonly recorded: SerializedError;

  constructor(stepId: string, recorded: SerializedError, attempts: number) {
    super(recorded.message, { reason: recorded.reason ?? "step_failed" });
    this.stepId = stepId;
    this.attempts = attempts;
    this.recorded = recorded;
  }
}

export interface StepIdentity {
  stepId: string;
  kind: StepKind;
}

/** A step returned more data than the journal holds inline. */
export class PayloadTooLargeError extends FatalError {
  override name = "PayloadTooLargeError";

  constructor(stepId: string, bytes: string, limit: string) {
    super(
      `Step "${stepId}" returned ${bytes}, above the ${limit} limit for a journaled output. ` +
        "Store the data elsewhere (a bucket, a table) and return a reference to it.",
      { reason: "payload_too_large" },
    );
  }
}

/** The workflow's calls no longer match its journal: the code changed under a running version. */
export class NonDeterminismError extends Error {
  override name = "NonDeterminismError";
  readonly runId: string;
  readonly position: number;
  readonly expected: StepIdentity | null;
  readonly found: StepIdentity | null;

  constructor(args: { runId: string; version: number; position: number; expected: StepIdentity | null; found: StepIdentity | null; hint?: string }) {
    const { runId, version, position, expected, found } = args;
    const describe = (step: StepIdentity) => `"${step.stepId}" (${step.kind})`;
    const what =
      expected && found
        ? `expected step ${describe(expected)} at position ${position}, found ${describe(found)}`
        : expected
          ? `the workflow finished before position ${position}, but the journal holds step ${describe(expected)} there (steps were removed)`
          : `found step ${describe(found!)} at position ${position}, which the journal does not expect`;
    super(
      `Non-determinism in run ${runId}: ${what}.${args.hint ? ` ${args.hint}` : ""} ` +
        `The workflow code changed under version ${version}; start a new version or replay the run.`,
    );
    this.runId = runId;
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}

/** Thrown by JournalWriter adapters when another claimant took the run; the tick must stop. */
export class StaleEpochError extends Error {
  override name = "StaleEpochError";
  readonly runId?: string;
  readonly epoch?: number;

  constructor(message: string, details?: { runId?: string; epoch?: number }) {
    super(message);
    this.runId = details?.runId;
    this.epoch = details?.epoch;
  }
}

export class DuplicateStepIdError extends Error {
  override name = "DuplicateStepIdError";
  readonly stepId: string;

  constructor(stepId: string, runId: string) {
    super(
      `Step id "${stepId}" is used twice in run ${runId}. Step ids are journal keys and must be unique in a run; ` +
        "in loops, include the iteration (e.g. `turn-${i}`).",
    );
    this.stepId = stepId;
  }
}

export class InvalidStepIdError extends Error {
  override name = "InvalidStepIdError";

  constructor(stepId: unknown, problem: string) {
    super(`Invalid step id ${JSON.stringify(stepId)}: ${problem}. Use a non-empty id of at most 200 characters without ":".`);
  }
}

/** An attempt that ran longer than its `timeoutMs`; retried like any other error. */
export class StepTimeoutError extends Error {
  override name = "StepTimeoutError";
  readonly stepId: string;
  readonly timeoutMs: number;

  constructor(stepId: string, timeoutMs: number) {
    super(`Step "${stepId}" did not finish within ${timeoutMs} ms; its signal was aborted. Raise timeoutMs or make the step faster.`);
    this.stepId = stepId;
    this.timeoutMs = timeoutMs;
  }
}

/** The run failed for a reason of the engine's own (not an error thrown by workflow code). */
export class RunFailure extends Error {
  readonly reason: FailureReason;

  constructor(name: string, message: string, reason: FailureReason) {
    super(message);
    this.name = name;
    this.reason = reason;
  }
}

/** True for errors that must not be retried: FatalError and errors adapters mark `fatal: true`. */
export function isFatalError(error: unknown): boolean {
  if (error instanceof FatalError) return true;
  return typeof error === "object" && error !== null && (error as { fatal?: unknown }).fatal === true;
}

export function isStaleEpochError(error: unknown): error is StaleEpochError {
  return error instanceof StaleEpochError || (error instanceof Error && error.name === "StaleEpochError");
}

const STACK_LINES = 6;

const FAILURE_REASONS = new Set<FailureReason>([
  "step_failed",
  "non_determinism",
  "run_timeout",
  "dead_letter",
  "invalid_input",
  "payload_too_large",
  "workflow_error",
]);

/** Keeps the frames that point at workflow code; engine and runtime frames only add noise. */
function stackExcerpt(stack: string | undefined): string | undefined {
  if (!stack) return undefined;
  const frames = stack
    .split("\n")
    .slice(1)
    .map((line) => line.trim())
    .filter((line) => line.startsWith("at ") && !line.includes("node:internal") && !line.includes("/lib/engine/") && !line.includes("node_modules"));
  return frames.length ? frames.slice(0, STACK_LINES).join("\n") : undefined;
}

/** Turns anything thrown into the JSON shape stored in the journal and shown in the console. */
export function serializeError(error: unknown, reason?: FailureReason): SerializedError {
  if (error instanceof Error) {
    const serialized: SerializedError = { name: error.name || "Error", message: error.message };
    if (isFatalError(error)) serialized.fatal = true;
    const ownReason = (error as { reason?: unknown }).reason;
    const finalReason = FAILURE_REASONS.has(ownReason as FailureReason) ? (ownReason as FailureReason) : reason;
    if (finalReason) serialized.reason = finalReason;
    const stack = stackExcerpt(error.stack);
    if (stack) serialized.stack = stack;
    return serialized;
  }
  let message: string;
  try {
    message = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { name: "Error", message: `Non-error value thrown: ${message}`, ...(reason ? { reason } : {}) };
}
