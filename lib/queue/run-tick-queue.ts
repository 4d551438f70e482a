/**
 * The `run-tick` queue: one job = one tick of one run. Its name, payload schema and job-id rules
 * live here and nowhere else.
 *
 * Job ids: an immediate tick is `run.<runId>` so concurrent wake-ups of one run collapse into one
 * job; a delayed tick (sleep end, retry, approval timeout) is `run.<runId>.at.<epochMs>`. The
 * reconciler uses `run.<runId>.rc.<5-second bucket>`: a worker that died still "holds" its
 * `run.<runId>` job in BullMQ's active set until the stall check, and that id would swallow the
 * recovery tick; a bucketed id gets through and still collapses repeated passes. Jobs are
 * removed on completion AND on failure, otherwise a kept job id would swallow later wake-ups.
 * (BullMQ refuses ':' in custom ids, hence the dots.)
 */
import { Queue, Worker, type Job } from "bullmq";
import { z } from "zod";
import type { Redis } from "ioredis";

export const RUN_TICK_QUEUE = "run-tick";

export const runTickPayload = z.object({
  runId: z.string().min(1).max(100),
  /** Why the tick was enqueued; for logs only. New fields must stay optional for in-flight jobs. */
  reason: z.enum(["start", "approval", "wake", "reconcile", "requeue", "cancel", "replay"]).optional(),
});
export type RunTickPayload = z.infer<typeof runTickPayload>;

export interface RunTickProducer {
  /** Enqueues a tick now, or at `at` when given. Duplicate immediate ticks of a run collapse. */
  enqueueTick(runId: string, options?: { at?: Date | null; reason?: RunTickPayload["reason"] }): Promise<void>;
  /** Number of waiting + delayed + active jobs (for health and benchmarks). */
  counts(): Promise<Record<string, number>>;
  close(): Promise<void>;
}

const jobDefaults = { removeOnComplete: true, removeOnFail: true, attempts: 5, backoff: { type: "exponential", delay: 500 } } as const;

export function immediateJobId(runId: string) {
  return `run.${runId}`;
}

export function createRunTickProducer(connection: Redis, prefix: string): RunTickProducer {
  const queue = new Queue<RunTickPayload>(RUN_TICK_QUEUE, { connection, prefix, defaultJobOptions: jobDefaults });
  return {
    async enqueueTick(runId, options = {}) {
      const delay = options.at ? options.at.getTime() - Date.now() : 0;
      const payload: RunTickPayload = { runId, reason: options.reason };
      if (delay > 0) {
        await queue.add("tick", payload, { jobId: `run.${runId}.at.${options.at!.getTime()}`, delay });
      } else if (options.reason === "reconcile") {
        await queue.add("tick", payload, { jobId: `run.${runId}.rc.${Math.floor(Date.now() / 5_000)}` });
      } else {
        await queue.add("tick", payload, { jobId: immediateJobId(runId) });
      }
    },
    async counts() {
      return queue.getJobCounts("waiting", "delayed", "active", "prioritized");
    },
    close: () => queue.close(),
  };
}

export interface RunTickConsumer {
  worker: Worker<RunTickPayload>;
  close(): Promise<void>;
}

/**
 * Starts consuming ticks. `process` gets the run id and an AbortSignal that fires on shutdown.
 * A processor error makes BullMQ retry the job; if it keeps failing, the reconciler still finds
 * the run in Postgres.
 */
export function createRunTickConsumer(options: {
  connection: Redis;
  prefix: string;
  concurrency: number;
  workerName: string;
  process: (payload: RunTickPayload, signal: AbortSignal | undefined) => Promise<void>;
}): RunTickConsumer {
  const worker = new Worker<RunTickPayload>(
    RUN_TICK_QUEUE,
    async (job: Job<RunTickPayload>, _token?: string, signal?: AbortSignal) => {
      const payload = runTickPayload.parse(job.data);
      await options.process(payload, signal);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      name: options.workerName,
      // The Postgres lease, not the BullMQ lock, decides who runs a tick; a stalled job is just a
      // duplicate wake-up, so let BullMQ re-deliver it freely.
      maxStalledCount: 100,
    },
  );
  return { worker, close: () => worker.close() };
}
