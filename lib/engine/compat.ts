/**
 * Journal compatibility: replays a recorded journal against a workflow definition with the real
 * engine, WITHOUT running any step, LLM call or wait, and reports the first position where the
 * definition's durable calls differ from what the journal recorded.
 *
 * Used by the pre-deploy compatibility check (in-flight runs against the current code), by a
 * replay before it forks (the copied steps must match the target version) and by the golden
 * journal test (recorded demo runs against the current definitions).
 *
 * How it stays side-effect free: journaled calls return their recorded results as in any replay;
 * the first call the journal has no result for (the "frontier") gets a stub that never runs the
 * author's function and never calls a provider, and the tick is then interrupted, so nothing is
 * recorded. Time is a fake clock stopped before every recorded wake-up, so waits and retry
 * backoffs stay pending instead of running.
 */
import { NonDeterminismError, type StepIdentity } from "./errors";
import { executeTick } from "./executor";
import { fakeClock } from "./fake-clock";
import { InMemoryJournal } from "./in-memory-journal";
import type {
  InterruptedOutcome,
  JournalEntry,
  Json,
  LlmClient,
  Logger,
  SerializedError,
  SpanHandle,
  StepContext,
  StepOptions,
  TickOutcome,
  Tracer,
  WorkflowContext,
  WorkflowDefinition,
} from "./types";

export interface JournalReplayOptions {
  definition: WorkflowDefinition<any, any>;
  /** The recorded journal (any order; dates as Date objects) */
  journal: JournalEntry[];
  /**
   * The run the journal belongs to. `id` seeds `ctx.random()`/`ctx.uuid()`: pass the id of the run
   * that will replay it (a fork's new id), since a different id gives different random values.
   */
  run: { id: string; input: Json; startedAt: Date };
  /**
   * Aborting it ends the replay as `timeout` (a workflow that awaits something outside `ctx`
   * would otherwise never reach its next durable call). @defaultValue none
   */
  signal?: AbortSignal;
}

export type JournalDivergenceReason =
  /** A journaled position holds another step id or kind than the code calls there */
  | "step_mismatch"
  /** The code returns before reaching journaled steps */
  | "steps_removed"
  /** The code throws (not a recorded step failure) before reaching journaled steps */
  | "workflow_error"
  /** The recorded input no longer passes the definition's input schema */
  | "invalid_input"
  /** The replay did not finish before `signal` aborted */
  | "timeout";

export interface JournalDivergence {
  reason: JournalDivergenceReason;
  /** Journal position (0-based) of the first difference; null when no position applies */
  position: number | null;
  /** What the journal recorded at `position` */
  expected: StepIdentity | null;
  /** What the code calls at `position` (null: nothing) */
  found: StepIdentity | null;
  /** One sentence naming the workflow version, the position and the step */
  message: string;
}

/** How the replay ended when nothing diverged. */
export type JournalReplayEnding =
  /** The workflow returned (every journaled call was reached) */
  | "completed"
  /** The workflow threw after reaching every journaled call (e.g. a recorded step failure) */
  | "failed"
  /** The workflow stopped at a wait or retry backoff the journal still holds open */
  | "waiting"
  /** The workflow reached a call the journal has no result for: the run would go on from here */
  | "frontier";

export type JournalReplayReport =
  | {
      compatible: true;
      ending: JournalReplayEnding;
      /** Journal entries the code reached with the same id and kind */
      matchedSteps: number;
      /** The workflow's return value (ending "completed") */
      output?: Json;
      /** What the workflow threw (ending "failed") */
      error?: SerializedError;
    }
  | { compatible: false; divergence: JournalDivergence; matchedSteps: number };

const noopSpan: SpanHandle = { setAttributes() {}, recordError() {}, end() {} };
const noopTracer: Tracer = { startSpan: () => noopSpan, withSpan: (_span, fn) => fn() };
const silent: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Before any recorded time, so every recorded wake-up (sleep end, approval timeout, retry) lies in the future. */
const BEFORE_EVERYTHING = new Date(0);

const describeStep = (step: StepIdentity) => `"${step.stepId}" (${step.kind})`;

/**
 * Replays `journal` against `definition` and reports whether the code makes the same durable calls
 * at the journaled positions. Runs no step function, LLM call or wait; records nothing anywhere.
 */
export async function replayJournal(options: JournalReplayOptions): Promise<JournalReplayReport> {
  const { definition, journal, run } = options;
  const label = `${definition.name}@${definition.version}`;
  const called = new Set<string>();
  let divergence: NonDeterminismError | undefined;
  let timedOut = false;

  // Interrupting the tick is how the replay stops at the frontier without recording anything.
  // The interruption waits one macrotask, so calls started together with the frontier call
  // (Promise.all) and journal-driven progress still have their identity checked first.
  const stop = new AbortController();
  let frontierTimer: ReturnType<typeof setTimeout> | undefined;
  const reachFrontier = () => {
    frontierTimer ??= setTimeout(() => stop.abort(new Error("replayJournal: reached the end of the journal")), 0);
  };
  const onTimeout = () => {
    timedOut = true;
    stop.abort(new Error("replayJournal: timed out"));
  };
  if (options.signal?.aborted) onTimeout();
  options.signal?.addEventListener("abort", onTimeout, { once: true });

  const observe = <T>(kind: StepIdentity["kind"], id: string, call: () => Promise<T>): Promise<T> => {
    called.add(`${kind}\u0000${id}`);
    return call().catch((error: unknown) => {
      if (error instanceof NonDeterminismError) divergence ??= error;
      throw error;
    });
  };
  const frontierStep = () => {
    reachFrontier();
    return new Promise<never>(() => {});
  };
  const probe: WorkflowDefinition<any, any> = {
    ...definition,
    run(ctx: WorkflowContext, input: unknown) {
      const wrapped: WorkflowContext = {
        ...ctx,
        step: <T>(id: string, fn: (step: StepContext) => Promise<T> | T, stepOptions?: StepOptions) =>
          observe("step", id, () => ctx.step<T>(id, typeof fn === "function" ? frontierStep : fn, stepOptions)),
        llm: (id, request) => observe("llm", id, () => ctx.llm(id, request)),
        waitForApproval: (id, approval) => observe("approval", id, () => ctx.waitForApproval(id, approval)),
        sleep: (id, ms) => observe("sleep", id, () => ctx.sleep(id, ms)),
      };
      return definition.run(Object.freeze(wrapped), input);
    },
  };
  const llm: LlmClient = {
    complete(_request, { signal }) {
      reachFrontier();
      return new Promise((_resolve, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
    },
  };

  let outcome: TickOutcome | InterruptedOutcome;
  try {
    outcome = await executeTick({
      definition: probe,
      run: { id: run.id, input: run.input, startedAt: run.startedAt, deadlineAt: null },
      journal,
      writer: new InMemoryJournal(journal).writer(run.id),
      clock: fakeClock(BEFORE_EVERYTHING),
      llm,
      tracer: noopTracer,
      log: silent,
      shutdownSignal: stop.signal,
    });
  } finally {
    clearTimeout(frontierTimer);
    options.signal?.removeEventListener("abort", onTimeout);
  }

  const ordered = [...journal].sort((a, b) => a.seq - b.seq);
  const reached = (entry: JournalEntry) => called.has(`${entry.kind}\u0000${entry.stepId}`);
  const matchedBefore = (position: number | null) =>
    ordered.filter((entry) => (position === null || entry.seq < position) && reached(entry)).length;
  const diverged = (d: Omit<JournalDivergence, "message">, message: string): JournalReplayReport => ({
    compatible: false,
    divergence: { ...d, message },
    matchedSteps: matchedBefore(d.position),
  });

  if (divergence) {
    const { position, expected, found } = divergence;
    return diverged(
      { reason: "step_mismatch", position, expected, found },
      found && expected
        ? `${label} calls ${describeStep(found)} at position ${position}, where the journal recorded ${describeStep(expected)}.`
        : `${label} does not match the journal at position ${position}.`,
    );
  }
  if (outcome.type === "failed" && outcome.error.reason === "invalid_input") {
    return diverged(
      { reason: "invalid_input", position: null, expected: null, found: null },
      `The run's input does not pass the input schema of ${label}: ${outcome.error.message.split("\n").slice(1).join(" ").trim() || outcome.error.message}`,
    );
  }
  const firstUnreached = ordered.find((entry) => !reached(entry));
  if (outcome.type === "failed" && outcome.error.reason === "non_determinism" && firstUnreached) {
    return diverged(
      { reason: "steps_removed", position: firstUnreached.seq, expected: identity(firstUnreached), found: null },
      `${label} returns before position ${firstUnreached.seq}, where the journal recorded ${describeStep(identity(firstUnreached))}: the code no longer calls it.`,
    );
  }
  if (outcome.type === "failed" && firstUnreached) {
    return diverged(
      { reason: "workflow_error", position: firstUnreached.seq, expected: identity(firstUnreached), found: null },
      `${label} throws ${outcome.error.name} ("${outcome.error.message}") before reaching position ${firstUnreached.seq}, where the journal recorded ${describeStep(identity(firstUnreached))}.`,
    );
  }
  if (timedOut) {
    return diverged(
      { reason: "timeout", position: null, expected: null, found: null },
      `The replay of ${label} did not reach its next durable call in time: the workflow may await something outside ctx (a plain fetch or timer).`,
    );
  }
  const matchedSteps = matchedBefore(null);
  switch (outcome.type) {
    case "succeeded":
      return { compatible: true, ending: "completed", matchedSteps, output: outcome.output };
    case "failed":
      return { compatible: true, ending: "failed", matchedSteps, error: outcome.error };
    case "suspended":
      return { compatible: true, ending: "waiting", matchedSteps };
    case "interrupted":
      return { compatible: true, ending: "frontier", matchedSteps };
  }
}

function identity(entry: JournalEntry): StepIdentity {
  return { stepId: entry.stepId, kind: entry.kind };
}
