/**
 * An in-memory runner for workflow authors (in the spirit of @inngest/test): runs a workflow to its
 * end in milliseconds, with scripted LLM replies and approvals, and sleeps that pass instantly.
 */
import { executeTick, type EngineLimits, type ExecuteTickArgs } from "./executor";
import { fakeClock, runWithVirtualTime, type FakeClock } from "./fake-clock";
import { InMemoryJournal } from "./in-memory-journal";
import type {
  ApprovalDecision,
  InterruptedOutcome,
  JournalEntry,
  Json,
  LlmClient,
  LlmRequest,
  LlmResponse,
  Logger,
  RunStatus,
  SerializedError,
  SpanAttributes,
  SpanHandle,
  SpanKind,
  StepContext,
  StepOptions,
  TickOutcome,
  Tracer,
  WorkflowContext,
  WorkflowDefinition,
} from "./types";

export { fakeClock, runWithVirtualTime, type FakeClock } from "./fake-clock";
export { InMemoryJournal, type InMemoryApproval, type JournalWrite } from "./in-memory-journal";

const noopSpan: SpanHandle = { setAttributes() {}, recordError() {}, end() {} };

export const noopTracer: Tracer = {
  startSpan: () => noopSpan,
  withSpan: (_span, fn) => fn(),
};

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

export interface RecordedSpan {
  name: string;
  kind: SpanKind;
  attributes: SpanAttributes;
  errors: Array<{ error: unknown; errorType?: string }>;
  ended: boolean;
}

/** A Tracer that keeps every span in memory, for assertions on names and attributes. */
export function recordingTracer(): Tracer & { spans: RecordedSpan[] } {
  const spans: RecordedSpan[] = [];
  return {
    spans,
    startSpan(name, { kind, attributes }) {
      const span: RecordedSpan = { name, kind, attributes: { ...attributes }, errors: [], ended: false };
      spans.push(span);
      return {
        setAttributes: (more) => Object.assign(span.attributes, more),
        recordError: (error, errorType) => span.errors.push({ error, errorType }),
        end: () => void (span.ended = true),
      };
    },
    withSpan: (_span, fn) => fn(),
  };
}

/** A Logger that keeps its lines, for assertions on warnings. */
export function recordingLogger(): Logger & { lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> } {
  const lines: Array<{ level: string; message: string; fields?: Record<string, unknown> }> = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => void lines.push({ level, message, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

export interface TickHarnessOptions {
  runId?: string;
  input?: Json;
  journal?: InMemoryJournal;
  clock?: FakeClock;
  llm?: LlmClient;
  tracer?: Tracer;
  log?: Logger;
  deadlineAt?: Date | null;
  limits?: Partial<EngineLimits>;
}

/**
 * One run's ports wired to in-memory fakes; `tick()` runs executeTick once against the current
 * journal, with virtual time passing while the tick is idle (see runWithVirtualTime).
 */
export function createTickHarness(definition: WorkflowDefinition<any, any>, options: TickHarnessOptions = {}) {
  const runId = options.runId ?? "run-1";
  const clock = options.clock ?? fakeClock();
  const journal = options.journal ?? new InMemoryJournal();
  const llmCalls: LlmRequest[] = [];
  const startedAt = clock.now();
  const base = {
    definition,
    run: { id: runId, input: options.input ?? {}, startedAt, deadlineAt: options.deadlineAt ?? null },
    clock,
    llm: options.llm ?? scriptedLlm(runId, undefined, llmCalls),
    tracer: options.tracer ?? noopTracer,
    log: options.log ?? silentLogger,
    limits: options.limits,
  };
  return {
    runId,
    clock,
    journal,
    llmCalls,
    tick(extra: Partial<ExecuteTickArgs> = {}): Promise<TickOutcome | InterruptedOutcome> {
      return runWithVirtualTime(
        clock,
        executeTick({ ...base, journal: journal.entries, writer: journal.writer(runId), ...extra }),
      );
    },
  };
}

export type ScriptedLlmReply = (request: LlmRequest, call: { stepId: string; index: number }) => Partial<LlmResponse> | string;

export interface TestRunOptions {
  /** Scripted replies; string replies become the text. @defaultValue a deterministic echo of the last user message */
  llm?: ScriptedLlmReply;
  /**
   * Decisions by approval step id. A missing one leaves the run waiting. A decision with
   * `reason: "timeout"` lets the approval's timeout pass instead.
   */
  approvals?: Record<string, ApprovalDecision | ((data: Json) => ApprovalDecision)>;
  /** Replace step functions by step id; `original` runs the real one. */
  steps?: Record<string, (original: () => unknown) => unknown>;
  /** @defaultValue "test-run" */
  runId?: string;
  /** @defaultValue 1000 */
  maxTicks?: number;
  /** @defaultValue 2026-01-01T00:00:00.000Z */
  clockStart?: Date;
  /** @defaultValue { inlineRetryMaxMs: 0 }: every retry goes through a new tick, as a backoff would in production */
  limits?: Partial<EngineLimits>;
}

export interface TestRunResult<O> {
  status: RunStatus;
  output?: O;
  error?: SerializedError;
  journal: JournalEntry[];
  /** The approval step the run waits for, when it stopped waiting for one */
  waitingFor?: string;
  llmCalls: LlmRequest[];
  ticks: number;
}

function lastUserMessage(request: LlmRequest): string {
  return [...request.messages].reverse().find((message) => message.role === "user")?.content ?? "";
}

const roughTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function scriptedLlm(runId: string, script: ScriptedLlmReply | undefined, calls: LlmRequest[]): LlmClient {
  return {
    async complete(request, { idempotencyKey }) {
      const index = calls.length;
      calls.push(structuredClone(request));
      const stepId = idempotencyKey.slice(runId.length + 1);
      const reply = script ? script(request, { stepId, index }) : `echo: ${lastUserMessage(request)}`;
      const partial: Partial<LlmResponse> = typeof reply === "string" ? { text: reply } : reply;
      const text = partial.text ?? "";
      return {
        text,
        usage: partial.usage ?? { inputTokens: roughTokens(request.messages.map((m) => m.content).join(" ")), outputTokens: roughTokens(text) },
        model: partial.model ?? request.model,
        finishReason: partial.finishReason ?? "stop",
        provider: partial.provider ?? "test",
        costUsd: partial.costUsd ?? 0,
        ...(partial.responseId ? { responseId: partial.responseId } : {}),
        ...(partial.serverAddress ? { serverAddress: partial.serverAddress } : {}),
      };
    },
  };
}

/** Wraps ctx.step so the test's overrides replace the named steps. */
function withStepOverrides<I, O>(def: WorkflowDefinition<I, O>, overrides: TestRunOptions["steps"]): WorkflowDefinition<I, O> {
  if (!overrides || Object.keys(overrides).length === 0) return def;
  return {
    ...def,
    run(ctx, input) {
      const step = <T>(id: string, fn: (step: StepContext) => Promise<T> | T, options?: StepOptions) => {
        const override = overrides[id];
        return ctx.step(id, override ? (sc: StepContext) => override(() => fn(sc)) as Promise<T> | T : fn, options);
      };
      const wrapped: WorkflowContext = { ...ctx, step } as WorkflowContext;
      return def.run(wrapped, input);
    },
  };
}

function decisionFor(script: TestRunOptions["approvals"], entry: JournalEntry): ApprovalDecision | undefined {
  const scripted = script?.[entry.stepId];
  if (!scripted) return undefined;
  const data = ((entry.input as { data?: Json } | undefined)?.data ?? null) as Json;
  return typeof scripted === "function" ? scripted(data) : scripted;
}

/**
 * Runs `def` with `input` to its end (or to a wait nobody will end) against an in-memory journal and
 * a fake clock, one tick after another, as the worker would.
 */
export async function runWorkflowForTest<I, O>(def: WorkflowDefinition<I, O>, input: I, options: TestRunOptions = {}): Promise<TestRunResult<O>> {
  const runId = options.runId ?? "test-run";
  const clock = fakeClock(options.clockStart);
  const journal = new InMemoryJournal();
  const llmCalls: LlmRequest[] = [];
  const llm = scriptedLlm(runId, options.llm, llmCalls);
  const definition = withStepOverrides(def, options.steps);
  const startedAt = clock.now();
  const deadlineAt = new Date(startedAt.getTime() + (def.timeoutMs ?? 7 * 24 * 3600 * 1000));
  const maxTicks = options.maxTicks ?? 1000;
  const result = (status: RunStatus, ticks: number, extra: Partial<TestRunResult<O>> = {}): TestRunResult<O> => ({
    status,
    journal: journal.entries,
    llmCalls,
    ticks,
    ...extra,
  });

  for (let ticks = 1; ticks <= maxTicks; ticks++) {
    const outcome = await runWithVirtualTime(
      clock,
      executeTick({
        definition,
        run: { id: runId, input: input as Json, startedAt, deadlineAt },
        journal: journal.entries,
        writer: journal.writer(runId),
        clock,
        llm,
        tracer: noopTracer,
        log: silentLogger,
        limits: { inlineRetryMaxMs: 0, ...options.limits },
      }),
    );
    if (outcome.type === "succeeded") return result("succeeded", ticks, { output: outcome.output as O });
    if (outcome.type === "failed") return result("failed", ticks, { error: outcome.error });
    if (outcome.type === "interrupted") return result("running", ticks);

    // Decide the approvals the test scripted; let time pass to the next due wait or retry.
    const entries = journal.entries;
    let decided = false;
    let nextWake: number | null = null;
    let unresolved: string | undefined;
    for (const entry of entries) {
      if (entry.kind === "approval" && entry.status === "waiting") {
        const decision = decisionFor(options.approvals, entry);
        if (!decision) {
          unresolved ??= entry.stepId;
          continue;
        }
        if (decision.reason !== "timeout" || !entry.wakeAt) {
          journal.decide(entry.stepId, decision, clock.now());
          decided = true;
          continue;
        }
        // A scripted timeout: let time pass to the approval's timeout, so the engine expires it.
      }
      const due = entry.status === "waiting" || entry.status === "running" ? entry.wakeAt?.getTime() : undefined;
      if (due !== undefined && (nextWake === null || due < nextWake)) nextWake = due;
    }
    if (decided) continue;
    if (nextWake === null) return result(outcome.runStatus === "waiting" ? "waiting" : "running", ticks, unresolved ? { waitingFor: unresolved } : {});
    clock.advanceTo(new Date(nextWake));
  }
  throw new Error(`runWorkflowForTest: run ${runId} of "${def.name}" did not finish within ${maxTicks} ticks. Raise maxTicks or look for a retry loop.`);
}
