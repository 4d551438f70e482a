/**
 * Use-case tests without worker processes: a Control over its own database and queue prefix whose
 * runs are ticked in the test process (`drive`), with a scripted LLM. For durability under real
 * worker processes use ./harness instead.
 */
import { loadConfig, processEnv, type Config } from "../config/env";
import { createControl, createControlDeps } from "../control";
import type { ControlDeps } from "../control/deps";
import { executeRunTick, type TickRuntime } from "../control/execute-tick";
import { systemClock } from "../control/system-clock";
import type { Control } from "../control/types";
import type { LlmClient, RunStatus, WorkflowDefinition } from "../engine/types";
import { createLogger } from "../log/logger";
import { noopTracer } from "../telemetry/noop-tracer";
import { createTestDatabase, type TestDatabase } from "./database";
import { configureFixtures, fixtureWorkflows } from "./fixture-workflows";
import { flushPrefix, uniquePrefix } from "./redis";

/** Every scripted completion costs this much, so previews have a cost to add up. */
export const SCRIPTED_LLM_COST_USD = 0.0015;

export const scriptedLlm: LlmClient = {
  async complete(request) {
    return {
      text: `summary of: ${request.messages.at(-1)?.content ?? ""}`,
      usage: { inputTokens: 12, outputTokens: 6 },
      model: request.model,
      finishReason: "stop",
      provider: "test",
      costUsd: SCRIPTED_LLM_COST_USD,
    };
  },
};

const ENDED: RunStatus[] = ["succeeded", "failed", "cancelled"];

export interface InProcess {
  config: Config;
  database: TestDatabase;
  deps: ControlDeps;
  control: Control;
  /** A second Control on the same database with other definitions (e.g. the "reordered" variant) */
  withWorkflows(workflows: WorkflowDefinition[]): { deps: ControlDeps; control: Control };
  /** Ticks the run in this process until it ends or waits; returns its status. */
  drive(runId: string): Promise<RunStatus>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

export async function createInProcess(label: string, workflows: WorkflowDefinition[] = fixtureWorkflows()): Promise<InProcess> {
  const database = await createTestDatabase(label);
  const prefix = uniquePrefix(label);
  const config = loadConfig({ ...processEnv(), DATABASE_URL: database.url, WAYMARK_QUEUE_PREFIX: prefix });
  const log = createLogger({ name: `test:${label}`, level: "error" });
  const opened: Array<ReturnType<typeof createControlDeps>> = [];
  const open = (defs: WorkflowDefinition[]) => {
    const deps = createControlDeps(config, log, { applicationName: `waymark-test-${label}`, workflows: defs });
    opened.push(deps);
    return { deps, control: createControl(deps) };
  };
  const main = open(workflows);
  configureFixtures(database.db.pool, "in-process");
  const runtime: TickRuntime = { llm: scriptedLlm, tracer: noopTracer, clock: systemClock, leaseMs: 30_000, maxCrashesPerStep: 3, inlineRetryMaxMs: 2_000 };

  return {
    config,
    database,
    ...main,
    withWorkflows: open,
    async drive(runId) {
      for (let tick = 0; tick < 50; tick++) {
        await executeRunTick(main.deps, runtime, runId, "in-process");
        const [{ status }] = (await database.db.pool.query<{ status: RunStatus }>("SELECT status FROM runs WHERE id = $1", [runId])).rows;
        if (ENDED.includes(status) || status === "waiting") return status;
      }
      throw new Error(`Run ${runId} did not end or wait within 50 ticks.`);
    },
    async query<T>(sql: string, params: unknown[] = []) {
      return (await database.db.pool.query(sql, params)).rows as T[];
    },
    async close() {
      await Promise.all(opened.map((deps) => deps.close()));
      await flushPrefix(config.REDIS_URL, prefix).catch(() => undefined);
      await database.drop();
    },
  };
}
