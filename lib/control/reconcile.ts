/**
 * The reconciler: Postgres is the source of truth and Redis only wakes workers, so every worker
 * periodically asks Postgres which runs need a tick (expired lease = a dead worker, a wake time
 * that passed, a queued run nobody picked up) and enqueues them. Duplicate enqueues are harmless:
 * immediate job ids collapse and a claim only succeeds for a claimable run.
 */
import type { ControlDeps } from "./deps";
import { findRunsToWake } from "./data-port";

export interface Reconciler {
  /** One pass; returns how many runs were enqueued. */
  runOnce(): Promise<number>;
  stop(): void;
}

export function startReconciler(
  deps: ControlDeps,
  options: { intervalMs: number; staleQueuedMs: number; batch?: number },
): Reconciler {
  let running = false;
  const runOnce = async () => {
    if (running) return 0;
    running = true;
    try {
      const runIds = await findRunsToWake(deps.db, { staleQueuedMs: options.staleQueuedMs, limit: options.batch ?? 500 });
      for (const runId of runIds) await deps.producer.enqueueTick(runId, { reason: "reconcile" });
      if (runIds.length > 0) deps.log.info("Reconciler re-enqueued runs", { count: runIds.length });
      return runIds.length;
    } catch (error) {
      deps.log.warn("Reconciler pass failed; will retry", { error: String(error) });
      return 0;
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void runOnce(), options.intervalMs);
  timer.unref();
  return { runOnce, stop: () => clearInterval(timer) };
}
