/**
 * Replay from a chosen step = fork: a new run (new id, so its steps get new idempotency keys)
 * linked to the source (`forkedFromRunId`, `forkedAtStep`), with the journal before the chosen
 * step copied, on the source's version or another registered one, optionally with edited input.
 */
import { createRunId } from "../data/ids";
import { findLikelyTail, findRunByIdempotencyKey, getRunWithJournal, getStoredRun, listForks } from "../data/replay-store";
import { AppError, notFound } from "../errors/app-error";
import { actorRef, assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { appendAudit, createRun, getRunView } from "./data-port";
import { planFork, type ForkPlan, type ForkSource } from "./replay-plan";
import { auditPayloadHash, wakeRun } from "./start-run";
import type { Actor, ReplayPreview, ReplayRequest, RunLineage } from "./types";

const DEFAULT_RUN_TIMEOUT_MS = 7 * 24 * 3600_000;

/** The source run, its journal and (for a run that did not finish) the steps a finished run went on with. */
export async function loadForkSource(deps: ControlDeps, runId: string, targetVersion?: number): Promise<ForkSource> {
  const found = await getRunWithJournal(deps.db, runId);
  if (!found) throw notFound("Run", runId);
  const last = found.journal.at(-1);
  const likelyTail =
    found.run.status !== "succeeded" && last
      ? await findLikelyTail(deps.db, {
          workflow: found.run.workflowName,
          version: targetVersion ?? found.run.workflowVersion,
          afterStepId: last.stepId,
          excludeRunId: runId,
        })
      : null;
  return { ...found, likelyTail };
}

export async function previewReplay(deps: ControlDeps, runId: string, request: ReplayRequest, actor: Actor): Promise<ReplayPreview> {
  assertRole(actor, "viewer", "previewing a replay");
  const source = await loadForkSource(deps, runId, request.version);
  return (await planFork(deps, source, request, createRunId())).preview;
}

/** Idempotency keys are scoped to the source run, so one key on two runs makes two forks. */
const forkKey = (sourceRunId: string, key: string) => `replay:${sourceRunId}:${key}`;

export async function replayRun(deps: ControlDeps, runId: string, request: ReplayRequest, actor: Actor) {
  assertRole(actor, "operator", "replaying a run");
  const idempotencyKey = request.idempotencyKey === undefined ? undefined : forkKey(runId, request.idempotencyKey);
  if (idempotencyKey) {
    // A repeat returns the fork made the first time, even if the run's version changed since.
    const earlier = await findRunByIdempotencyKey(deps.db, idempotencyKey);
    if (earlier) return forkResult(deps, earlier.id, request, false);
  }
  const source = await loadForkSource(deps, runId, request.version);
  const forkId = createRunId();
  const plan = await planFork(deps, source, request, forkId);
  const { runId: createdId, created } = await createFork(deps, source, plan, { forkId, idempotencyKey, actor });
  return forkResult(deps, createdId, request, created);
}

/**
 * Creates the fork of a planned replay, audits it (`run.replay`) and wakes a worker. With an
 * idempotency key, concurrent callers all get the one fork that won the insert.
 */
export async function createFork(
  deps: ControlDeps,
  source: ForkSource,
  plan: ForkPlan,
  options: { forkId: string; idempotencyKey?: string; actor: Actor; bulk?: string },
): Promise<{ runId: string; created: boolean }> {
  const { run } = source;
  const { preview } = plan;
  const result = await createRun(deps.db, {
    id: options.forkId,
    workflowName: plan.definition.name,
    workflowVersion: plan.definition.version,
    input: plan.input,
    idempotencyKey: options.idempotencyKey,
    requestedBy: actorRef(options.actor),
    budget: run.budget ?? undefined,
    deadlineAt: new Date(Date.now() + (plan.definition.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS)),
    forkedFromRunId: run.id,
    forkedAtStep: preview.fromStep.id,
    copyJournal: { fromRunId: run.id, beforeSeq: plan.beforeSeq },
  });
  if (result.created) {
    await appendAudit(deps.db, {
      actor: actorRef(options.actor),
      action: "run.replay",
      target: result.runId,
      data: {
        actorLabel: options.actor.label,
        sourceRunId: run.id,
        fromStep: preview.fromStep.id,
        workflow: run.workflowName,
        sourceVersion: run.workflowVersion,
        version: plan.definition.version,
        inputEdited: preview.inputChanged,
        reusedSteps: preview.totals.reusedSteps,
        rerunSteps: preview.totals.rerunSteps,
        sideEffectSteps: preview.totals.sideEffectSteps,
        payloadHash: auditPayloadHash({ sourceRunId: run.id, fromStep: preview.fromStep.id, version: plan.definition.version, input: plan.input }),
        ...(options.bulk ? { bulk: options.bulk } : {}),
      },
    });
    await wakeRun(deps, result.runId, "replay");
  }
  return result;
}

/** The fork's view. A repeated key that asked for another replay is a conflict, not a silent mismatch. */
async function forkResult(deps: ControlDeps, forkId: string, request: ReplayRequest, created: boolean) {
  const run = await getRunView(deps.db, forkId);
  if (!run) throw notFound("Run", forkId);
  const sameReplay = run.forkedAtStep === request.fromStep && (request.version === undefined || request.version === run.version);
  if (!created && !sameReplay) {
    throw new AppError(
      "idempotency_key_reused",
      409,
      `The Idempotency-Key "${request.idempotencyKey}" was already used for a replay from step "${run.forkedAtStep}" on version ${run.version} ` +
        `(run ${run.id}); send a new key for a different replay.`,
      { runId: run.id },
    );
  }
  return { run, created };
}

export async function getRunLineage(deps: ControlDeps, runId: string, actor: Actor): Promise<RunLineage> {
  assertRole(actor, "viewer", "reading runs");
  const run = await getStoredRun(deps.db, runId);
  if (!run) throw notFound("Run", runId);
  const parent = run.forkedFromRunId ? await getStoredRun(deps.db, run.forkedFromRunId) : null;
  return {
    runId,
    forkedFrom: run.forkedFromRunId ? { runId: run.forkedFromRunId, atStep: run.forkedAtStep, status: parent?.status ?? null } : null,
    forks: await listForks(deps.db, runId),
  };
}
