/** Small builders for data-layer tests: a run with defaults, and a claimed run with its writer. */
import type { Db } from "../data/db";
import type { Json, JournalEntry, JournalWriter } from "../engine/types";
import { createRunId } from "../data/ids";
import { claimRun, createRun, type ClaimedRun, type CreateRunInput } from "../data/run-writes";
import { createJournalWriter } from "../data/journal-writer";

/** Creates a queued run of `test-flow` v1 (override anything) and returns its id. */
export async function seedRun(db: Db, overrides: Partial<CreateRunInput> = {}): Promise<string> {
  const { runId } = await createRun(db, {
    id: createRunId(),
    workflowName: "test-flow",
    workflowVersion: 1,
    input: { hello: "world" },
    requestedBy: "user:test",
    deadlineAt: null,
    ...overrides,
  });
  return runId;
}

/** Claims a run (it must be claimable) and binds a journal writer to the claim. */
export async function claimForTest(
  db: Db,
  runId: string,
  options: { workerId?: string; leaseMs?: number } = {},
): Promise<{ claim: ClaimedRun; writer: JournalWriter }> {
  const leaseMs = options.leaseMs ?? 30_000;
  const claim = await claimRun(db, { runId, workerId: options.workerId ?? "worker-test", leaseMs });
  if (!claim) throw new Error(`Run ${runId} was not claimable.`);
  return { claim, writer: createJournalWriter(db, { runId, epoch: claim.epoch, leaseMs }) };
}

/** A succeeded `step` entry at `seq` with the given output. */
export function succeededStep(seq: number, stepId: string, output: Json, at = new Date()): JournalEntry {
  return { seq, stepId, kind: "step", status: "succeeded", attempts: 1, output, startedAt: at, finishedAt: at };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
