/**
 * Bulk replay: every failed run of a workflow version in a creation-time range, each forked from
 * its failed step (its first step that did not succeed), up to a limit, with the same preview
 * totals as a single replay. Runs replayed before are left out, so repeating a bulk replay never
 * forks a run twice.
 */
import { createRunId } from "../data/ids";
import { findLikelyTail, listFailedRunsToReplay, listRunsByKeyPrefix, loadJournals } from "../data/replay-store";
import type { JournalEntry } from "../engine/types";
import { invalidInput, isAppError } from "../errors/app-error";
import { actorRef, assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { appendAudit } from "./data-port";
import { createFork } from "./replay";
import { addTotals, emptyTotals, failedStepOf, planFork, type ForkPlan, type ForkSource } from "./replay-plan";
import { resolveDefinition } from "./start-run";
import type { Actor, BulkReplayPreview, BulkReplayRequest, BulkReplayResult } from "./types";

/** Runs one bulk replay takes when no limit is given */
export const DEFAULT_BULK_LIMIT = 50;
/** Most runs one bulk replay may take */
export const MAX_BULK_LIMIT = 500;

interface PlannedRun {
  source: ForkSource;
  plan: ForkPlan;
  forkId: string;
}

async function planBulk(deps: ControlDeps, request: BulkReplayRequest): Promise<{ preview: BulkReplayPreview; planned: PlannedRun[] }> {
  const limit = request.limit ?? DEFAULT_BULK_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_BULK_LIMIT) {
    const message = `limit must be a whole number from 1 to ${MAX_BULK_LIMIT}`;
    throw invalidInput(`Invalid bulk replay: ${message} (got ${limit}). Replay in batches.`, [{ path: "limit", message }]);
  }
  if (request.createdAfter && request.createdBefore && request.createdAfter >= request.createdBefore) {
    const message = "createdAfter must be earlier than createdBefore";
    throw invalidInput(`Invalid bulk replay: ${message}.`, [{ path: "createdAfter", message }]);
  }
  resolveDefinition(deps, request.workflow, request.version); // 404 naming the registered versions
  const targetVersion = request.targetVersion ?? request.version;
  resolveDefinition(deps, request.workflow, targetVersion);

  const found = await listFailedRunsToReplay(deps.db, { ...request, limit });
  const journals = await loadJournals(deps.db, found.runs.map((run) => run.id));
  const tails = new Map<string, Awaited<ReturnType<typeof findLikelyTail>>>();
  const likelyTail = async (run: ForkSource["run"], journal: JournalEntry[]) => {
    const last = journal.at(-1);
    if (!last) return null;
    if (!tails.has(last.stepId)) {
      tails.set(last.stepId, await findLikelyTail(deps.db, { workflow: run.workflowName, version: targetVersion, afterStepId: last.stepId, excludeRunId: run.id }));
    }
    return tails.get(last.stepId) ?? null;
  };

  const planned: PlannedRun[] = [];
  const skipped: BulkReplayPreview["skipped"] = [];
  for (const run of found.runs) {
    const journal = journals.get(run.id) ?? [];
    const failed = failedStepOf(journal);
    if (!failed) {
      skipped.push({ runId: run.id, reason: "It failed outside a step (no failed step in its journal); replay it from a chosen step instead." });
      continue;
    }
    const source: ForkSource = { run, journal, likelyTail: await likelyTail(run, journal) };
    const forkId = createRunId();
    try {
      const plan = await planFork(deps, source, { fromStep: failed.stepId, version: targetVersion }, forkId);
      planned.push({ source, plan, forkId });
    } catch (error) {
      if (!isAppError(error) || error.status >= 500) throw error;
      skipped.push({ runId: run.id, reason: error.message });
    }
  }

  const totals = { ...emptyTotals(), runs: planned.length };
  for (const { plan } of planned) addTotals(totals, plan.preview.totals);
  return {
    planned,
    preview: {
      workflow: request.workflow,
      version: request.version,
      targetVersion,
      limit,
      runs: planned.map(({ source, plan }) => ({
        runId: source.run.id,
        createdAt: source.run.createdAt.toISOString(),
        fromStep: plan.preview.fromStep,
        totals: plan.preview.totals,
      })),
      skipped,
      alreadyReplayed: found.alreadyReplayed,
      truncated: found.truncated,
      totals,
    },
  };
}

export async function previewBulkReplay(deps: ControlDeps, request: BulkReplayRequest, actor: Actor): Promise<BulkReplayPreview> {
  assertRole(actor, "viewer", "previewing a bulk replay");
  return (await planBulk(deps, request)).preview;
}

export async function bulkReplay(deps: ControlDeps, request: BulkReplayRequest, actor: Actor): Promise<BulkReplayResult> {
  assertRole(actor, "operator", "replaying runs in bulk");
  // Per-run keys derived from the request's key, so a retried request returns the forks it made.
  const keyPrefix = request.idempotencyKey === undefined ? undefined : `replay-bulk:${request.idempotencyKey}:`;
  const earlier = keyPrefix ? await listRunsByKeyPrefix(deps.db, keyPrefix) : [];
  const { preview, planned } = await planBulk(deps, request);
  if (earlier.length > 0) {
    return { ...preview, forks: earlier.map((fork) => ({ sourceRunId: fork.forkedFromRunId ?? "", runId: fork.id, created: false })) };
  }
  const bulk = `${request.workflow}@${request.version}`;
  await appendAudit(deps.db, {
    actor: actorRef(actor),
    action: "run.replay.bulk",
    target: bulk,
    data: {
      actorLabel: actor.label,
      targetVersion: preview.targetVersion,
      createdAfter: request.createdAfter?.toISOString() ?? null,
      createdBefore: request.createdBefore?.toISOString() ?? null,
      limit: preview.limit,
      runs: planned.length,
      skipped: preview.skipped.length,
    },
  });
  const forks: BulkReplayResult["forks"] = [];
  for (const { source, plan, forkId } of planned) {
    const idempotencyKey = keyPrefix ? `${keyPrefix}${source.run.id}` : undefined;
    const { runId, created } = await createFork(deps, source, plan, { forkId, idempotencyKey, actor, bulk });
    forks.push({ sourceRunId: source.run.id, runId, created });
  }
  return { ...preview, forks };
}
