/** What one tick of a run receives, and the engine's limits. Re-exported by `executor.ts`. */
import type { BudgetGuard, Clock, JournalEntry, JournalWriter, Json, LlmClient, Logger, Tracer, WorkflowDefinition } from "./types";

export interface EngineLimits {
  /** Deaths of the worker in one step before the run is dead-lettered. @defaultValue 3 */
  maxCrashesPerStep: number;
  /** Retry backoffs up to this long are waited in-process; longer ones end the tick. @defaultValue 2000 */
  inlineRetryMaxMs: number;
  /** A step output above this size logs a warning. @defaultValue 262_144 (256 KiB) */
  payloadWarnBytes: number;
  /** A step output above this size fails the step (`payload_too_large`). @defaultValue 2_097_152 (2 MiB) */
  payloadMaxBytes: number;
  /** Durable calls allowed in one run. @defaultValue 10_000 */
  maxStepsPerRun: number;
  /** A step still running after this long is marked `running` in the journal (live in the console). @defaultValue 100 */
  slowStepMarkMs: number;
  /** How often the lease is extended while a step runs. @defaultValue 10_000 */
  heartbeatIntervalMs: number;
}

export const DEFAULT_ENGINE_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxCrashesPerStep: 3,
  inlineRetryMaxMs: 2000,
  payloadWarnBytes: 256 * 1024,
  payloadMaxBytes: 2 * 1024 * 1024,
  maxStepsPerRun: 10_000,
  slowStepMarkMs: 100,
  heartbeatIntervalMs: 10_000,
});

/** Default `timeoutMs` of a `ctx.step` attempt */
export const DEFAULT_STEP_TIMEOUT_MS = 300_000;
/** Default `timeoutMs` of a `ctx.llm` attempt */
export const DEFAULT_LLM_TIMEOUT_MS = 120_000;

export interface ExecuteTickArgs {
  definition: WorkflowDefinition<any, any>;
  run: { id: string; input: Json; startedAt: Date; deadlineAt: Date | null };
  /** Everything recorded so far (any order; indexed by seq) */
  journal: JournalEntry[];
  /** Fenced writes; may throw StaleEpochError, which executeTick lets propagate */
  writer: JournalWriter;
  clock: Clock;
  llm: LlmClient;
  /** May be a no-op */
  tracer: Tracer;
  log: Logger;
  /** Set when the previous claimant died: the journal position (first unjournaled seq) and how many deaths in a row there */
  recovery?: { position: number; crashes: number };
  limits?: Partial<EngineLimits>;
  /** Aborted on worker shutdown: stop at the next opportunity and return { type: "interrupted" } without recording the in-flight attempt */
  shutdownSignal?: AbortSignal;
  /** The run's budget: LLM calls reserve before and settle after. Omitted: no budget applies. */
  budget?: BudgetGuard;
}
