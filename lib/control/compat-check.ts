/**
 * The compatibility check before a deploy: replays the stored journal of every in-flight run
 * (queued, running, waiting) against the definitions this process has (the code about to be
 * deployed, when run from its checkout), and lists the runs that would break, each with its first
 * diverging step. Runs nothing: see lib/engine/compat.ts.
 */
import { replayJournal } from "../engine/compat";
import type { JournalEntry } from "../engine/types";
import { listInFlightRuns, loadJournals, type StoredRun } from "../data/replay-store";
import type { ControlDeps } from "./deps";
import { assertRole } from "./authorize";
import type { Actor, CompatCheckRequest, CompatReport, CompatRunReport } from "./types";

/** In-flight runs checked when no limit is given */
export const DEFAULT_COMPAT_LIMIT = 1_000;
/** A replay that reaches no durable call in this long is reported as broken (it would hang a worker too) */
const REPLAY_TIMEOUT_MS = 5_000;

/** Checks one run; null when it replays cleanly. */
export async function checkRunCompat(
  registry: ControlDeps["registry"],
  run: StoredRun,
  journal: JournalEntry[],
): Promise<CompatRunReport | null> {
  const base = { runId: run.id, workflow: run.workflowName, version: run.workflowVersion, status: run.status, journaledSteps: journal.length };
  const definition = registry.get(run.workflowName, run.workflowVersion);
  if (!definition) {
    return {
      ...base,
      problem: "version_missing",
      step: null,
      message:
        `This code has no ${run.workflowName} version ${run.workflowVersion}: the run would stay queued. ` +
        `Keep version ${run.workflowVersion} registered until its runs end.`,
    };
  }
  const report = await replayJournal({
    definition,
    journal,
    run: { id: run.id, input: run.input, startedAt: run.startedAt ?? run.createdAt },
    signal: AbortSignal.timeout(REPLAY_TIMEOUT_MS),
  });
  if (!report.compatible) {
    const { divergence } = report;
    const entry = divergence.position === null ? undefined : journal.find((candidate) => candidate.seq === divergence.position);
    return {
      ...base,
      problem: divergence.reason,
      step: entry ? { id: entry.stepId, seq: entry.seq, kind: entry.kind } : null,
      message: divergence.message,
    };
  }
  if (report.ending === "failed") {
    // The old code did not throw here (the run is still in flight), so the new code changed behaviour.
    const last = [...journal].sort((a, b) => a.seq - b.seq).at(-1);
    return {
      ...base,
      problem: "would_fail",
      step: last ? { id: last.stepId, seq: last.seq, kind: last.kind } : null,
      message:
        `${definition.name}@${definition.version} now fails with ${report.error?.name}: "${report.error?.message}"` +
        `${last ? ` after step "${last.stepId}"` : " before its first step"}, where the run is still in flight.`,
    };
  }
  return null;
}

/** The report over every in-flight run (or those of one workflow / version). */
export async function checkCompat(
  deps: Pick<ControlDeps, "db" | "registry">,
  request: CompatCheckRequest,
  actor: Actor,
): Promise<CompatReport> {
  assertRole(actor, "viewer", "checking compatibility");
  const { runs, truncated } = await listInFlightRuns(deps.db, {
    workflow: request.workflow,
    version: request.version,
    limit: request.limit ?? DEFAULT_COMPAT_LIMIT,
  });
  const journals = await loadJournals(deps.db, runs.map((run) => run.id));
  const broken: CompatRunReport[] = [];
  for (const run of runs) {
    const problem = await checkRunCompat(deps.registry, run, journals.get(run.id) ?? []);
    if (problem) broken.push(problem);
  }
  return {
    checkedAt: new Date().toISOString(),
    checkedRuns: runs.length,
    compatibleRuns: runs.length - broken.length,
    broken,
    truncated,
  };
}
