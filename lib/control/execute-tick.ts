/**
 * executeRunTick: the worker's one use case. Claim the run (lease + epoch), replay the workflow
 * against its journal through the engine, and record how the tick ended. Every journal write is
 * fenced by the epoch; a stale claimant's write fails with StaleEpochError and it simply stops.
 */
import { executeTick } from "../engine/executor";
import type { BudgetConfig, Clock, LlmClient, LlmRequest, Logger, TickOutcome, Tracer } from "../engine/types";
import { createRunBudgetGuard, type CallEstimate } from "../data/budget-guard";
import type { TelemetryTracer } from "../telemetry/otel-tracer";
import { formatRunTraceContext, newRunTraceContext, parseRunTraceContext, type RunTraceContext } from "../telemetry/run-trace-context";
import type { ControlDeps } from "./deps";
import { claimRun, createJournalWriter, finishTick, loadJournal, releaseClaim, saveTraceContext, type ClaimedRun } from "./data-port";

export interface TickRuntime {
  llm: LlmClient;
  tracer: Tracer;
  /**
   * One trace per run: every tick's spans are parented to the run's root span (its context is
   * stored on the run), and the root span is exported when the run ends. Omitted: no run traces.
   */
  runTracer?: Pick<TelemetryTracer, "withinRun" | "recordRunSpan">;
  clock: Clock;
  leaseMs: number;
  maxCrashesPerStep: number;
  inlineRetryMaxMs: number;
  /** How much an LLM call may cost at most, reserved on each budget that applies. @defaultValue estimateCall (price table, prompt + maxTokens) */
  estimateLlmCall?: (request: LlmRequest) => Promise<CallEstimate>;
}

/** An approval decided mid-tick asks for another round; bound it so a bug can't spin forever. */
const MAX_ROUNDS_PER_JOB = 25;

export function isStaleEpoch(error: unknown): boolean {
  return error instanceof Error && error.name === "StaleEpochError";
}

export async function executeRunTick(
  deps: ControlDeps,
  runtime: TickRuntime,
  runId: string,
  workerId: string,
  shutdownSignal?: AbortSignal,
): Promise<void> {
  const log = deps.log;
  for (let round = 0; round < MAX_ROUNDS_PER_JOB; round++) {
    if (shutdownSignal?.aborted) return;
    const claimed = await claimRun(deps.db, { runId, workerId, leaseMs: runtime.leaseMs });
    if (!claimed) return; // finished, cancelled, or another worker holds a live lease

    const definition = deps.registry.get(claimed.workflowName, claimed.workflowVersion);
    if (!definition) {
      // Leave the run queued for a worker that has this version (runs are pinned to their version).
      await releaseClaim(deps.db, { runId, epoch: claimed.epoch, status: "queued" });
      log.warn(`No definition for ${claimed.workflowName}@${claimed.workflowVersion} in this worker; run left queued`, {
        runId,
      });
      return;
    }

    const writer = createJournalWriter(deps.db, { runId, epoch: claimed.epoch, leaseMs: runtime.leaseMs });
    const heartbeat = setInterval(() => {
      writer.heartbeat().catch((error: unknown) => {
        if (!isStaleEpoch(error)) log.warn("Lease heartbeat failed", { runId, error: String(error) });
      });
    }, Math.max(250, Math.floor(runtime.leaseMs / 3)));

    const trace = runtime.runTracer ? await runTraceContext(deps, claimed) : null;
    let outcome;
    try {
      const journal = await loadJournal(deps.db, runId);
      const budget = await createRunBudgetGuard(deps.db, runId, {
        workflow: claimed.workflowName,
        now: () => runtime.clock.now(),
        definitionBudget: definition.budget,
        runBudget: claimed.budget as BudgetConfig | null,
        estimate: runtime.estimateLlmCall,
      });
      const tick = () => executeTick({
        definition,
        run: { id: runId, input: claimed.input, startedAt: claimed.startedAt, deadlineAt: claimed.deadlineAt },
        journal,
        writer,
        clock: runtime.clock,
        llm: runtime.llm,
        tracer: runtime.tracer,
        log: log,
        recovery: claimed.recovery,
        limits: { maxCrashesPerStep: runtime.maxCrashesPerStep, inlineRetryMaxMs: runtime.inlineRetryMaxMs },
        shutdownSignal,
        ...(budget ? { budget } : {}),
      });
      outcome = trace && runtime.runTracer ? await runtime.runTracer.withinRun(trace, tick) : await tick();
    } catch (error) {
      if (isStaleEpoch(error)) {
        log.info("Tick fenced out: another worker claimed the run", { runId, epoch: claimed.epoch });
        return;
      }
      // Infrastructure trouble (database gone mid-tick): give the run back so the retry of this
      // job (or the reconciler) can claim it at once instead of waiting for the lease to expire.
      await releaseClaim(deps.db, { runId, epoch: claimed.epoch, status: "queued" }).catch(() => undefined);
      throw error;
    } finally {
      clearInterval(heartbeat);
    }

    if (outcome.type === "interrupted") {
      await releaseClaim(deps.db, { runId, epoch: claimed.epoch, status: "queued" }).catch(() => undefined);
      return; // the job is re-delivered (or the reconciler re-enqueues) to a live worker
    }

    let result;
    try {
      result = await finishTick(deps.db, { runId, epoch: claimed.epoch, outcome });
    } catch (error) {
      if (isStaleEpoch(error)) return;
      throw error;
    }
    if (trace && runtime.runTracer && (outcome.type === "succeeded" || outcome.type === "failed")) {
      recordRunSpan(runtime.runTracer, trace, claimed, outcome, runtime.clock.now());
    }
    if (result.requeue) continue;
    if (outcome.type === "suspended" && outcome.wakeAt) {
      await deps.producer.enqueueTick(runId, { at: outcome.wakeAt, reason: "wake" }).catch((error: unknown) => {
        log.warn("Could not schedule the wake-up; the reconciler will", { runId, error: String(error) });
      });
    }
    return;
  }
  log.warn("Run kept asking for ticks; handing it to the queue", { runId });
  await deps.producer.enqueueTick(runId, { reason: "reconcile" }).catch(() => undefined);
}

/**
 * The run's trace context: the one stored on the run, or (first tick) a new one, stored before
 * any span refers to it. If storing fails the tick still runs; its spans then carry the run id only.
 */
async function runTraceContext(deps: ControlDeps, claimed: ClaimedRun): Promise<RunTraceContext> {
  const stored = parseRunTraceContext(claimed.traceContext);
  if (stored) return stored;
  const context = newRunTraceContext();
  await saveTraceContext(deps.db, { runId: claimed.id, traceContext: formatRunTraceContext(context) }).catch((error: unknown) => {
    deps.log.warn("Could not store the run's trace context; this tick's spans start a new trace", {
      runId: claimed.id,
      error: String(error),
    });
  });
  return context;
}

/** The root `invoke_workflow {name}` span, exported once, when the run ends (its children were exported as they ended). */
function recordRunSpan(
  runTracer: NonNullable<TickRuntime["runTracer"]>,
  trace: RunTraceContext,
  claimed: ClaimedRun,
  outcome: Extract<TickOutcome, { type: "succeeded" | "failed" }>,
  endTime: Date,
): void {
  runTracer.recordRunSpan(trace, {
    workflowName: claimed.workflowName,
    workflowVersion: claimed.workflowVersion,
    runId: claimed.id,
    startTime: claimed.startedAt,
    endTime,
    status: outcome.type,
    ...(outcome.type === "failed"
      ? { error: { type: outcome.error.reason ?? outcome.error.name, message: outcome.error.message } }
      : {}),
  });
}

export type { Logger };
