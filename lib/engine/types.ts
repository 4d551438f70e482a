/**
 * The engine's vocabulary and its ports. `lib/engine` is pure: it imports nothing from
 * next/react/bullmq/ioredis/prisma/otel-sdk and nothing else from `lib/`. Adapters implement
 * these ports in `lib/data` (journal), `lib/queue` (scheduler), `lib/llm` (LLM providers) and
 * `lib/telemetry` (tracer); `lib/control` composes them.
 */
import type { z } from "zod";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export type RunStatus = "queued" | "running" | "waiting" | "succeeded" | "failed" | "cancelled";
export type StepKind = "step" | "llm" | "approval" | "sleep";
export type StepStatus = "running" | "succeeded" | "failed" | "waiting";

/** Why a run failed; shown in the console and returned by the API in `run.error.reason`. */
export type FailureReason =
  | "step_failed"
  | "non_determinism"
  | "run_timeout"
  | "dead_letter"
  | "invalid_input"
  | "payload_too_large"
  | "workflow_error"
  /** An LLM call did not fit the run's budget (`onExceed: "fail"`), or an approver aborted the run at a budget pause */
  | "budget_exceeded";

export interface SerializedError {
  name: string;
  message: string;
  /** true for FatalError and other errors that must not be retried */
  fatal?: boolean;
  reason?: FailureReason;
  /** Short stack excerpt from the workflow's own code, never shown to API callers */
  stack?: string;
}

/**
 * The price a call was charged at (a snapshot of the price table row in force when it ran), so a
 * later price change never rewrites what the call cost. USD per million tokens.
 */
export interface LlmPriceSnapshot {
  /** The price table row used */
  priceId: string;
  /** The model name the price was found for */
  model: string;
  inputPerMTok: number;
  outputPerMTok: number;
  /** Price of input tokens read from the prompt cache; null or absent: they were charged the input price */
  cachedInputPerMTok?: number | null;
  /** ISO time from which the price applied */
  effectiveFrom: string;
}

/** What an LLM call cost and returned, as recorded in the journal. */
export interface LlmCallFacts {
  provider: string;
  requestModel: string;
  /** The model the provider says answered */
  model: string;
  inputTokens: number;
  outputTokens: number;
  /** The part of `inputTokens` read from the provider's prompt cache; absent in journals written before it was recorded */
  cachedInputTokens?: number;
  costUsd: number;
  finishReason: string;
  latencyMs: number;
  responseId?: string;
  serverAddress?: string;
  /** The price charged; absent when the client priced the call without the price table */
  price?: LlmPriceSnapshot;
}

/** One journal row: a durable call at a position of the run. */
export interface JournalEntry {
  /** 0-based position of the call in the run (call order, deterministic) */
  seq: number;
  stepId: string;
  kind: StepKind;
  status: StepStatus;
  /** Attempts made so far (1 on the first) */
  attempts: number;
  /** Recorded input (LLM request, approval summary/data, sleep duration) for the console */
  input?: Json;
  /** Recorded output; what replay returns */
  output?: Json;
  error?: SerializedError;
  /** Declared by the step author: re-running this step touches the outside world */
  sideEffect?: boolean;
  /** Sleep end, approval timeout, or the next retry of a failing step */
  wakeAt?: Date;
  startedAt: Date;
  finishedAt?: Date;
  llm?: LlmCallFacts;
}

/** A failed attempt of a step; the final attempt lives in the journal entry itself. */
export interface FailedAttempt {
  seq: number;
  stepId: string;
  kind: StepKind;
  attempt: number;
  status: "failed" | "timed_out";
  error: SerializedError;
  startedAt: Date;
  finishedAt: Date;
  llm?: Partial<LlmCallFacts>;
}

/** The outcome of an approval as the workflow sees it. A timeout is a value, not a throw. */
export interface ApprovalDecision {
  approved: boolean;
  reason?: "approved" | "rejected" | "timeout";
  comment?: string;
  decidedBy?: string;
  decidedAt?: string;
}

/** A wait that ends the tick: recorded as a `waiting` entry, plus an approval row for approvals. */
export interface WaitRecord {
  seq: number;
  stepId: string;
  kind: "approval" | "sleep";
  startedAt: Date;
  /** Sleep end or approval timeout (null: waits forever) */
  wakeAt: Date | null;
  input: Json;
  approval?: { summary: string; data: Json };
}

/**
 * Port: journal writes for one claimed tick. The adapter binds it to (runId, epoch); every
 * method must throw `StaleEpochError` when the run has been claimed by someone else since.
 */
export interface JournalWriter {
  /** Marks a slow step as running (so the console shows it live). Optional to await. */
  markRunning(entry: Pick<JournalEntry, "seq" | "stepId" | "kind" | "attempts" | "startedAt" | "input" | "sideEffect">): Promise<void>;
  /** Records the final state of a step (succeeded or failed) or a completed wait. */
  complete(entry: JournalEntry): Promise<void>;
  /** Records a failed attempt and, when it will be retried, the entry's next wake time. */
  recordFailedAttempt(attempt: FailedAttempt, retryAt: Date | null): Promise<void>;
  /** Records that the run now waits (sleep or approval). */
  beginWait(wait: WaitRecord): Promise<void>;
  /**
   * Ends an approval wait whose timeout passed. Returns the decision that won: a person's
   * decision made just before the timeout beats the timeout.
   */
  expireApproval(seq: number, stepId: string, now: Date): Promise<ApprovalDecision>;
  /** Extends the lease while a long step runs. */
  heartbeat(): Promise<void>;
}

/** Port: time. The engine never calls Date.now() directly, so tests can drive it. */
export interface Clock {
  now(): Date;
  /** Resolves after ms, or rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface LlmMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface LlmRequest {
  model: string;
  messages: LlmMessage[];
  temperature?: number;
  maxTokens?: number;
}

/**
 * Tokens of one LLM call. As in the OTel GenAI conventions, `inputTokens` includes the cached
 * ones: `cachedInputTokens` is the part of it read from the provider's prompt cache (billed at a
 * lower price by most providers).
 */
export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
  /** @defaultValue 0 */
  cachedInputTokens?: number;
}

export interface LlmResponse {
  text: string;
  usage: LlmUsage;
  /** The model the provider says answered */
  model: string;
  finishReason: string;
  provider: string;
  costUsd: number;
  responseId?: string;
  serverAddress?: string;
  /** The price `costUsd` was computed with, when the client priced it from the price table */
  price?: LlmPriceSnapshot;
}

/** Whether an LLM call attempt fits the budget; when it does, the reservation to settle after the call. */
export type BudgetCheck =
  | { ok: true; reservationId: string }
  /** `pause`: the run waits for a person (a budget approval is in the inbox); `fail`: the run fails with `message` */
  | { ok: false; onExceed: "pause" | "fail"; message: string };

/**
 * Port: the budget guard of one run. Each LLM call attempt reserves its estimated cost before it
 * starts and settles the real cost after it ends (failed attempts too), so parallel calls can never
 * overspend a hard limit. Absent: no budget applies.
 */
export interface BudgetGuard {
  reserve(call: { seq: number; stepId: string; attempt: number; request: LlmRequest }): Promise<BudgetCheck>;
  settle(reservationId: string, actual: { costUsd: number; tokens: number }): Promise<void>;
}

/** Port: a chat completion against whichever provider serves `request.model`. */
export interface LlmClient {
  complete(request: LlmRequest, options: { signal: AbortSignal; idempotencyKey: string }): Promise<LlmResponse>;
}

export type SpanKind = "internal" | "client";
export type SpanAttributes = Record<string, string | number | boolean | string[] | undefined>;

export interface SpanHandle {
  setAttributes(attributes: SpanAttributes): void;
  recordError(error: unknown, errorType?: string): void;
  end(): void;
}

/** Port: tracing. The engine opens a span per step attempt and per LLM call. */
export interface Tracer {
  startSpan(name: string, options: { kind: SpanKind; attributes: SpanAttributes; startTime?: Date }): SpanHandle;
  /** Runs fn with `span` as the active parent of spans started inside it. */
  withSpan<T>(span: SpanHandle, fn: () => Promise<T>): Promise<T>;
}

/** What a tick ended with; `lib/control` turns it into the run's new state. */
export type TickOutcome =
  | { type: "succeeded"; output: Json }
  | { type: "failed"; error: SerializedError }
  /** The run waits (approval or sleep: status `waiting`) or backs off before a retry (status stays `running`). */
  | { type: "suspended"; runStatus: "waiting" | "running"; wakeAt: Date | null };

export interface RetryPolicy {
  /** @defaultValue 3 */
  maxAttempts?: number;
  /** @defaultValue 1000 */
  initialDelayMs?: number;
  /** @defaultValue 60_000 */
  maxDelayMs?: number;
  /** @defaultValue 2 */
  backoffFactor?: number;
  /** Fraction of the delay randomised (full jitter at 1). @defaultValue 0.2 */
  jitter?: number;
}

export interface StepOptions {
  retry?: RetryPolicy;
  /** Aborts the attempt's signal and fails the attempt after this long. @defaultValue 300_000 */
  timeoutMs?: number;
  /** Declares that the step changes the outside world (shown before a replay). @defaultValue false */
  sideEffect?: boolean;
}

export interface StepContext {
  /** `<runId>:<stepId>`: pass it to the receiving system so a retried effect applies once */
  idempotencyKey: string;
  /** 1 on the first attempt */
  attempt: number;
  /** Aborted when the step times out or the worker shuts down */
  signal: AbortSignal;
}

export interface LlmStepOptions extends LlmRequest {
  retry?: RetryPolicy;
  /** @defaultValue 120_000 */
  timeoutMs?: number;
}

export interface LlmResult {
  text: string;
  usage: LlmUsage;
  costUsd: number;
  model: string;
  finishReason: string;
}

export interface ApprovalOptions {
  /** One line telling the approver what they decide */
  summary: string;
  /** Context shown with the request */
  data?: Json;
  /** After this long the wait ends as `{ approved: false, reason: "timeout" }`. Default: no timeout. */
  timeoutMs?: number;
}

/** The durable context a workflow's `run` receives. */
export interface WorkflowContext {
  readonly runId: string;
  readonly workflow: { name: string; version: number };
  step<T>(id: string, fn: (step: StepContext) => Promise<T> | T, options?: StepOptions): Promise<T>;
  llm(id: string, request: LlmStepOptions): Promise<LlmResult>;
  waitForApproval(id: string, options: ApprovalOptions): Promise<ApprovalDecision>;
  sleep(id: string, ms: number): Promise<void>;
  /** Deterministic: the time of the latest journaled event before this point (run start at first). */
  now(): Date;
  /** Deterministic: seeded by the run id and the call count. */
  random(): number;
  /** Deterministic: derived from the run id and the call count. */
  uuid(): string;
}

export interface BudgetConfig {
  maxCostUsd?: number;
  maxTokens?: number;
  /** @defaultValue "pause" */
  onExceed?: "pause" | "fail";
}

export interface WorkflowDefinition<I = unknown, O = unknown> {
  readonly name: string;
  readonly version: number;
  readonly description?: string;
  readonly input: z.ZodType<I>;
  readonly budget?: BudgetConfig;
  /** Overall run timeout. @defaultValue 7 days */
  readonly timeoutMs?: number;
  /** Defaults for every ctx.step / ctx.llm of this workflow */
  readonly defaults?: { retry?: RetryPolicy; timeoutMs?: number };
  run(ctx: WorkflowContext, input: I): Promise<O>;
}

/** Tick outcome when the worker is shutting down mid-step: nothing is recorded, the lease is released. */
export type InterruptedOutcome = { type: "interrupted" };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}
