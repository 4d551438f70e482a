/**
 * Which worker serves which workflow versions. A worker records itself at start and refreshes
 * the record on a heartbeat; the console reads it to say, per version, how many runs are still in
 * flight (so an operator knows when an old version can be retired) and whether any live worker
 * serves it ("no worker has version N": its runs stay queued, because runs are pinned).
 */
import { hostname } from "node:os";
import { listWorkflowRows } from "../data/workflow-store";
import { countInFlightByVersion } from "../data/replay-store";
import { anyWorkerEverSeen, listLiveWorkers, markWorkerStopped, touchWorkerPresence, upsertWorkerPresence } from "../data/worker-store";
import { assertRole } from "./authorize";
import type { ControlDeps } from "./deps";
import { refusalMessage, refusedVersions, servedVersions } from "./registry";
import type { Actor, VersionCoverageView } from "./types";

export interface WorkerPresenceOptions {
  workerId: string;
  /** How often the record is refreshed; readers count a worker gone after three missed beats. @defaultValue 10_000 */
  heartbeatMs?: number;
}

export interface WorkerPresence {
  /** Stops the heartbeat and marks the worker stopped (so it stops counting at once). */
  stop(): Promise<void>;
}

const started = new Map<string, WorkerPresence>();

/**
 * Records this worker and what its registry serves (and refuses), then keeps the record fresh.
 * Call after `syncWorkflowDefinitions`, so refused versions are known. Starting twice for one
 * worker id returns the first handle.
 */
export async function startWorkerPresence(deps: Pick<ControlDeps, "db" | "registry" | "log">, options: WorkerPresenceOptions): Promise<WorkerPresence> {
  const existing = started.get(options.workerId);
  if (existing) return existing;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const record = () =>
    upsertWorkerPresence(deps.db, {
      id: options.workerId,
      host: hostname(),
      pid: process.pid,
      versions: servedVersions(deps.registry),
      refused: refusedVersions(deps.registry),
      heartbeatMs,
    });
  await record();
  const timer = setInterval(() => {
    touchWorkerPresence(deps.db, options.workerId)
      .then((found) => (found ? undefined : record()))
      .catch((error: unknown) => deps.log.warn("Worker presence heartbeat failed; will retry", { workerId: options.workerId, error: String(error) }));
  }, heartbeatMs);
  timer.unref();
  const presence: WorkerPresence = {
    async stop() {
      clearInterval(timer);
      started.delete(options.workerId);
      await markWorkerStopped(deps.db, options.workerId).catch(() => undefined);
    },
  };
  started.set(options.workerId, presence);
  return presence;
}

/** Per workflow version: runs in flight, live workers serving it, and who refuses it and why. */
export async function listVersionCoverage(
  deps: Pick<ControlDeps, "db" | "registry">,
  actor: Actor,
  workflow?: string,
): Promise<VersionCoverageView[]> {
  assertRole(actor, "viewer", "reading workflows");
  const [stored, inFlight, live, everSeen] = await Promise.all([
    listWorkflowRows(deps.db),
    countInFlightByVersion(deps.db),
    listLiveWorkers(deps.db),
    anyWorkerEverSeen(deps.db),
  ]);
  const views = new Map<string, VersionCoverageView>();
  const view = (name: string, version: number) => {
    const key = `${name}@${version}`;
    let found = views.get(key);
    if (!found) {
      found = { workflow: name, version, hash: null, inFlight: { queued: 0, running: 0, waiting: 0, total: 0 }, workers: null, refusedBy: [], unserved: false };
      views.set(key, found);
    }
    return found;
  };
  for (const row of stored) view(row.name, row.version).hash = row.hash;
  for (const def of deps.registry.list()) view(def.name, def.version);
  for (const count of inFlight) {
    view(count.workflow, count.version).inFlight = {
      queued: count.queued,
      running: count.running,
      waiting: count.waiting,
      total: count.queued + count.running + count.waiting,
    };
  }
  for (const coverage of views.values()) {
    const matches = (v: { name: string; version: number }) => v.name === coverage.workflow && v.version === coverage.version;
    coverage.workers = everSeen ? live.filter((worker) => worker.versions.some(matches)).length : null;
    coverage.refusedBy = live.flatMap((worker) =>
      worker.refused.filter(matches).map((refusal) => ({ workerId: worker.id, message: refusalMessage(refusal) })),
    );
    coverage.unserved = coverage.inFlight.total > 0 && coverage.workers === 0;
  }
  return [...views.values()]
    .filter((coverage) => workflow === undefined || coverage.workflow === workflow)
    .sort((a, b) => a.workflow.localeCompare(b.workflow) || b.version - a.version);
}
