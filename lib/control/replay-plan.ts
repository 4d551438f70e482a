/**
 * Planning a fork (replay from a step): which source run, which step, which version and input,
 * whether the copied steps replay on that version, and what will run again with which side
 * effects and cost. Shared by the single replay, its preview and bulk replay; writes nothing.
 */
import { replayJournal, type JournalDivergence } from "../engine/compat";
import type { JournalEntry, Json, WorkflowDefinition } from "../engine/types";
import type { StoredRun } from "../data/replay-store";
import { AppError, conflict, invalidInput } from "../errors/app-error";
import { parseRunInput, resolveDefinition } from "./start-run";
import type { ControlDeps } from "./deps";
import { holdsRedacted, REDACTED } from "./shown";
import type { ReplayPreview, ReplayRequest, ReplayStepPlan, ReplayTotals } from "./types";

/** How long checking the copied steps against the target version may take before it gives up. */
const COMPAT_TIMEOUT_MS = 5_000;

export interface ForkPlan {
  preview: ReplayPreview;
  definition: WorkflowDefinition;
  input: Json;
  /** Journal entries with a smaller seq are copied into the fork */
  beforeSeq: number;
}

export interface ForkSource {
  run: StoredRun;
  journal: JournalEntry[];
  /** Steps a finished run of the target version recorded after the source journal's end */
  likelyTail?: { runId: string; steps: JournalEntry[] } | null;
}

const ENDED = new Set(["succeeded", "failed", "cancelled"]);

/** Refuses runs that have not ended: a fork of a moving journal would copy a half-written history. */
export function assertReplayable(run: StoredRun): void {
  if (!ENDED.has(run.status)) {
    throw conflict(
      `Run ${run.id} is ${run.status}; only ended runs (failed, cancelled or succeeded) can be replayed. Wait for it to end, or cancel it first.`,
      { status: run.status },
    );
  }
}

/** The step a failed run is replayed from in bulk: its first step that did not succeed. */
export function failedStepOf(journal: JournalEntry[]): JournalEntry | undefined {
  return [...journal].sort((a, b) => a.seq - b.seq).find((entry) => entry.status !== "succeeded");
}

export function emptyTotals(): ReplayTotals {
  return { reusedSteps: 0, rerunSteps: 0, sideEffectSteps: 0, llmCalls: 0, estimatedCostUsd: 0, approvals: 0 };
}

export function addTotals(into: ReplayTotals, more: ReplayTotals): ReplayTotals {
  into.reusedSteps += more.reusedSteps;
  into.rerunSteps += more.rerunSteps;
  into.sideEffectSteps += more.sideEffectSteps;
  into.llmCalls += more.llmCalls;
  into.estimatedCostUsd = roundUsd(into.estimatedCostUsd + more.estimatedCostUsd);
  into.approvals += more.approvals;
  return into;
}

const roundUsd = (usd: number) => Math.round(usd * 1e6) / 1e6;

function stepPlan(entry: JournalEntry, action: ReplayStepPlan["action"]): ReplayStepPlan {
  return {
    seq: entry.seq,
    id: entry.stepId,
    kind: entry.kind,
    action,
    status: entry.status,
    sideEffect: entry.sideEffect === true,
    model: entry.llm?.model || entry.llm?.requestModel || null,
    costUsd: entry.kind === "llm" ? (entry.llm?.costUsd ?? 0) : null,
  };
}

function totalsOf(steps: ReplayStepPlan[]): ReplayTotals {
  const totals = emptyTotals();
  for (const step of steps) {
    if (step.action === "reuse") {
      totals.reusedSteps++;
      continue;
    }
    totals.rerunSteps++;
    if (step.sideEffect) totals.sideEffectSteps++;
    if (step.kind === "approval") totals.approvals++;
    if (step.kind === "llm") {
      totals.llmCalls++;
      totals.estimatedCostUsd = roundUsd(totals.estimatedCostUsd + (step.costUsd ?? 0));
    }
  }
  return totals;
}

/** Finds the chosen step in the source journal; 400 naming the steps that exist. */
function findFromStep(run: StoredRun, journal: JournalEntry[], fromStep: string): JournalEntry {
  const entry = journal.find((candidate) => candidate.stepId === fromStep);
  if (entry) return entry;
  const known = journal.map((candidate) => `"${candidate.stepId}"`).join(", ") || "none (it never ran a step)";
  const message = `Run ${run.id} has no step "${fromStep}" to replay from. Its recorded steps: ${known}.`;
  throw invalidInput(message, [{ path: "fromStep", message: `no step "${fromStep}" in run ${run.id}` }]);
}

/** 422: the steps the fork would copy do not replay on the chosen version. */
function divergesBeforeFromStep(run: StoredRun, definition: WorkflowDefinition, fromStep: JournalEntry, divergence: JournalDivergence, journal: JournalEntry[]): AppError {
  const at = divergence.position === null ? undefined : journal.find((entry) => entry.seq === divergence.position);
  const advice = at
    ? `Replay from step "${at.stepId}" or an earlier one, or choose a version whose steps match.`
    : "Choose a version whose steps match the run's journal.";
  return new AppError(
    "unprocessable",
    422,
    `Cannot fork run ${run.id} onto ${definition.name} version ${definition.version} from step "${fromStep.stepId}": ` +
      `${divergence.message} The steps copied from the run (before "${fromStep.stepId}") would not replay on that version. ${advice}`,
    { divergence, step: at?.stepId ?? null },
  );
}

/**
 * Plans a fork of `source` from `request.fromStep`. Throws 409 for a run that has not ended, 400
 * for an unknown step or an input the target version refuses, 404 for an unknown version, and
 * 422 when the target version's steps diverge from the journal before the chosen step.
 *
 * @param forkRunId the id the fork will get: it seeds `ctx.random()`, so the check uses it
 */
export async function planFork(
  deps: ControlDeps,
  source: ForkSource,
  request: Pick<ReplayRequest, "fromStep" | "version" | "input">,
  forkRunId: string,
): Promise<ForkPlan> {
  const { run, journal } = source;
  assertReplayable(run);
  const from = findFromStep(run, journal, request.fromStep);
  const definition = resolveDefinition(deps, run.workflowName, request.version ?? run.workflowVersion);
  const inputChanged = request.input !== undefined;
  if (inputChanged && holdsRedacted(request.input)) {
    // The console and API show payloads with secrets redacted; a fork must not run with the placeholder.
    throw invalidInput(
      `The edited input still holds ${REDACTED}: the original value was a secret and is not shown. Type the real value, or leave the input unchanged to reuse the original.`,
      [{ path: "input", message: `holds ${REDACTED}` }],
    );
  }
  const input = parseRunInput(definition, inputChanged ? request.input : run.input);
  const versionChanged = definition.version !== run.workflowVersion;

  const report = await replayJournal({
    definition,
    journal,
    run: { id: forkRunId, input, startedAt: run.startedAt ?? run.createdAt },
    signal: AbortSignal.timeout(COMPAT_TIMEOUT_MS),
  });
  let divergence: JournalDivergence | null = null;
  if (!report.compatible) {
    divergence = report.divergence;
    if (divergence.position === null || divergence.position < from.seq) throw divergesBeforeFromStep(run, definition, from, divergence, journal);
  }

  const ordered = [...journal].sort((a, b) => a.seq - b.seq);
  // A copied entry that never finished (a parallel step in flight, an open wait) runs or waits again in the fork.
  const reused = (entry: JournalEntry) => entry.seq < from.seq && (entry.status === "succeeded" || entry.status === "failed");
  const steps = ordered.map((entry) => stepPlan(entry, reused(entry) ? "reuse" : "rerun"));
  const recorded = new Set(ordered.map((entry) => entry.stepId));
  const unfinished = run.status !== "succeeded";
  const likely = unfinished && source.likelyTail ? source.likelyTail.steps.filter((entry) => !recorded.has(entry.stepId)) : [];
  steps.push(...likely.map((entry) => stepPlan(entry, "likely")));

  const warnings: string[] = [];
  const last = ordered.at(-1);
  if (unfinished && likely.length > 0) {
    warnings.push(
      `Run ${run.id} ended at step "${last?.stepId}". Steps marked "likely" were never recorded by it; they come from run ${source.likelyTail!.runId}, ` +
        "a finished run of this version that went on from there. Which of them run depends on the fork's results.",
    );
  } else if (unfinished) {
    warnings.push(
      `Run ${run.id} ${last ? `ended at step "${last.stepId}"` : "never ran a step"}: steps after it were never recorded, so this list cannot show them. ` +
        "They run for the first time in the fork.",
    );
  }
  if (versionChanged) {
    warnings.push(`The fork runs on version ${definition.version} (the run used version ${run.workflowVersion}): from step "${from.stepId}" on, version ${definition.version}'s code decides what runs.`);
  }
  if (inputChanged) {
    warnings.push(`The fork uses the edited input from step "${from.stepId}" on; the reused steps keep the results they had with the original input.`);
  }
  if (divergence) warnings.push(`After the chosen step the fork takes another path than the run did: ${divergence.message}`);

  return {
    definition,
    input,
    beforeSeq: from.seq,
    preview: {
      sourceRun: { id: run.id, workflow: run.workflowName, version: run.workflowVersion, status: run.status },
      fromStep: { id: from.stepId, seq: from.seq },
      version: definition.version,
      versionChanged,
      input,
      inputChanged,
      steps,
      totals: totalsOf(steps),
      likelyStepsFrom: likely.length > 0 ? source.likelyTail!.runId : null,
      divergence,
      warnings,
    },
  };
}
