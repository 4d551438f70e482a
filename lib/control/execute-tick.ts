/**
 * executeRunTick: the worker's one use case. Claim the run (lease + epoch), replay the workflow
 * against its journal through the engine, and record how the tick ended. Every journal write is
 * fenced by the epoch; a stale claimant's write fails with StaleEpochError and it simply stops.
 */
import { executeTick } from "../engine/executor";
import type { Clock, LlmClient, Logger, Tracer } from "../engine/types";
import type { ControlDeps } from "./deps";
import { claimRun, createJournalWriter, finishTick, loadJournal, releaseClaim } from "./data-port";

export interface TickRuntime {
  llm: LlmClient;
  tracer: Tracer;
  clock: Clock;
  leaseMs: number;
  maxCrashesPerStep: number;
  inlineRetryMaxMs: number;
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

    let outcome;
    try {
      const journal = await loadJournal(deps.db, runId);
      outcome = await executeTick({
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
      });
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

export type { Logger };
