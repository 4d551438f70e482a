/**
 * lib/control: the use cases, and the only module that composes engine + data + queue +
 * telemetry. app/ and worker/ call these; they never touch Prisma, BullMQ or the engine directly.
 */
import { getConfig, type Config } from "../config/env";
import type { Logger, WorkflowDefinition } from "../engine/types";
import { createLogger } from "../log/logger";
import { createRedis } from "../queue/connection";
import { createRunTickProducer } from "../queue/run-tick-queue";
import { checkHealth } from "./health";
import type { ControlDeps } from "./deps";
import { createDb, type Db } from "./data-port";
import { getRun, listApprovals, listRuns, listWorkflows } from "./reads";
import { loadRegistry } from "./registry";
import { cancelRun, decideApproval } from "./run-actions";
import { startRun } from "./start-run";
import { bulkReplay, previewBulkReplay } from "./bulk-replay";
import { checkCompat } from "./compat-check";
import { getRunLineage, previewReplay, replayRun } from "./replay";
import { listVersionCoverage } from "./worker-presence";
import type { Control } from "./types";
import { getUsage } from "./usage";
import * as budgetPolicies from "./budget-policies";
import * as prices from "./prices";
import { getRunBudget } from "./run-budget";
import { shownApproval, shownReplayPreview, shownRun, shownRunBudget, shownRunPage } from "./shown";
import type { RunView } from "../data/views";

export type { Control, Actor, Role } from "./types";
export { systemActor, roleAtLeast } from "./authorize";

/** Builds the shared resources of a process from its configuration. */
export function createControlDeps(
  config: Config,
  log: Logger,
  options: { applicationName: string; workflows?: WorkflowDefinition[] },
): ControlDeps & { close(): Promise<void> } {
  const db = createDb(config.DATABASE_URL, { applicationName: options.applicationName });
  const redis = createRedis(config.REDIS_URL);
  // A web process must not crash while Redis is away; errors are surfaced by health checks.
  redis.on("error", () => undefined);
  const producer = createRunTickProducer(redis, config.WAYMARK_QUEUE_PREFIX);
  return {
    db,
    producer,
    registry: loadRegistry(options.workflows),
    log,
    pingRedis: async () => (await Promise.race([redis.ping(), timeout(1_000)])) === "PONG",
    async close() {
      await producer.close().catch(() => undefined);
      redis.disconnect();
      await db.close();
    },
  };
}

const shownStart = <S extends { run: RunView }>(started: S): S => ({ ...started, run: shownRun(started.run) });

/** The use cases, as the console and the HTTP API call them: every view they return is as shown to people (./shown.ts). */
export function createControl(deps: ControlDeps): Control {
  return {
    startRun: async (request, actor) => shownStart(await startRun(deps, request, actor)),
    cancelRun: async (runId, actor) => shownRun(await cancelRun(deps, runId, actor)),
    decideApproval: async (id, request, actor) => shownApproval(await decideApproval(deps, id, request, actor)),
    getRun: async (runId, actor) => shownRun(await getRun(deps, runId, actor)),
    listRuns: async (filter, actor) => shownRunPage(await listRuns(deps, filter, actor)),
    listWorkflows: (actor) => listWorkflows(deps, actor),
    listApprovals: async (filter, actor) => (await listApprovals(deps, filter, actor)).map(shownApproval),
    health: () => checkHealth(deps),
    replayRun: async (runId, request, actor) => shownStart(await replayRun(deps, runId, request, actor)),
    previewReplay: async (runId, request, actor) => shownReplayPreview(await previewReplay(deps, runId, request, actor)),
    previewBulkReplay: (request, actor) => previewBulkReplay(deps, request, actor),
    bulkReplay: (request, actor) => bulkReplay(deps, request, actor),
    checkCompat: (request, actor) => checkCompat(deps, request, actor),
    listVersionCoverage: (actor, workflow) => listVersionCoverage(deps, actor, workflow),
    getRunLineage: (runId, actor) => getRunLineage(deps, runId, actor),
    getUsage: (filter, actor) => getUsage(deps, filter, actor),
    listBudgetPolicies: (actor) => budgetPolicies.listBudgetPolicies(deps, actor),
    createBudgetPolicy: (input, actor) => budgetPolicies.createBudgetPolicy(deps, input, actor),
    updateBudgetPolicy: (id, patch, actor) => budgetPolicies.updateBudgetPolicy(deps, id, patch, actor),
    deleteBudgetPolicy: (id, actor) => budgetPolicies.deleteBudgetPolicy(deps, id, actor),
    getAlertEndpoint: (actor) => budgetPolicies.getAlertEndpoint(deps, actor),
    saveAlertEndpoint: (input, actor) => budgetPolicies.saveAlertEndpoint(deps, input, actor),
    deleteAlertEndpoint: (actor) => budgetPolicies.deleteAlertEndpoint(deps, actor),
    listPrices: (actor) => prices.listPrices(deps, actor),
    addPrice: (input, actor) => prices.addPrice(deps, input, actor),
    getRunBudget: async (runId, actor) => shownRunBudget(await getRunBudget(deps, runId, actor)),
  };
}

// One set of resources per web process. Kept on globalThis so Next.js dev reloads don't leak pools.
const globalKey = Symbol.for("waymark.control");
type Holder = { deps: ReturnType<typeof createControlDeps>; control: Control };

function holder(): Holder {
  const g = globalThis as unknown as Record<symbol, Holder | undefined>;
  let h = g[globalKey];
  if (!h) {
    const config = getConfig();
    const log = createLogger({ name: "web", level: config.WAYMARK_LOG_LEVEL });
    const deps = createControlDeps(config, log, { applicationName: "waymark-web" });
    h = { deps, control: createControl(deps) };
    g[globalKey] = h;
  }
  return h;
}

/** The process-wide Control of the web process. */
export async function getControl(): Promise<Control> {
  return holder().control;
}

/** The process-wide database of the web process (for auth and console read models). */
export async function getDb(): Promise<Db> {
  return holder().deps.db;
}

function timeout(ms: number) {
  return new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), ms).unref());
}
