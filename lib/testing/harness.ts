/**
 * A durability-test harness: its own database and queue prefix, an in-process Control for
 * starting runs and deciding approvals (as a client would), and fixture worker processes that
 * the test kills and restarts.
 */
import { loadConfig, processEnv, type Config } from "../config/env";
import { createControl, createControlDeps, systemActor } from "../control";
import type { Control } from "../control/types";
import { createLogger } from "../log/logger";
import { createTestDatabase } from "./database";
import { fixtureWorkflows } from "./fixture-workflows";
import { spawnFixtureWorker, type WorkerProcess } from "./worker-process";
import { waitFor } from "./wait-for";
import { flushPrefix } from "./redis";

export interface Harness {
  config: Config;
  control: Control;
  /** Environment for fixture workers (database, prefix, fast leases) */
  workerEnv: Record<string, string>;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  spawnWorker(label: string, options?: { variant?: "original" | "reordered"; env?: Record<string, string> }): Promise<WorkerProcess>;
  waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs?: number): Promise<T>;
  /** SIGKILLs every worker this harness started (call between tests sharing a queue) */
  killWorkers(): Promise<void>;
  close(): Promise<void>;
}

export async function createHarness(label: string, overrides: Record<string, string> = {}): Promise<Harness> {
  const database = await createTestDatabase(label);
  const workerEnv: Record<string, string> = {
    DATABASE_URL: database.url,
    WAYMARK_QUEUE_PREFIX: `wm-test-${label}-${process.pid}-${Date.now()}`,
    WAYMARK_LEASE_MS: "2000",
    WAYMARK_RECONCILE_INTERVAL_MS: "500",
    WAYMARK_STALE_QUEUED_MS: "2000",
    WAYMARK_DEMO_LLM_LATENCY_MS: "20",
    WAYMARK_DEMO_TOOL_LATENCY_MS: "20",
    WAYMARK_SHUTDOWN_GRACE_MS: "2000",
    ...overrides,
  };
  const config = loadConfig({ ...processEnv(), ...workerEnv });
  const log = createLogger({ name: `harness:${label}`, level: "warn" });
  const deps = createControlDeps(config, log, { applicationName: "waymark-test", workflows: fixtureWorkflows() });
  const control = createControl(deps);
  const workers = new Set<WorkerProcess>();

  return {
    config,
    control,
    workerEnv,
    async query<T>(sql: string, params: unknown[] = []) {
      const result = await database.db.pool.query(sql, params);
      return result.rows as T[];
    },
    async spawnWorker(workerLabel, options = {}) {
      const worker = await spawnFixtureWorker({
        label: workerLabel,
        variant: options.variant,
        env: { ...workerEnv, ...(options.env ?? {}) },
      });
      workers.add(worker);
      void worker.exited.then(() => workers.delete(worker));
      return worker;
    },
    waitFor,
    async killWorkers() {
      await Promise.all([...workers].map((w) => w.kill("SIGKILL")));
    },
    async close() {
      await Promise.all([...workers].map((w) => w.kill("SIGKILL")));
      await deps.close();
      await database.drop();
      // Leave no queue keys behind (a killed worker's jobs outlive the test otherwise).
      await flushPrefix(config.REDIS_URL, workerEnv.WAYMARK_QUEUE_PREFIX).catch(() => undefined);
    },
  };
}

export { systemActor };
