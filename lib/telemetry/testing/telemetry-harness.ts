/**
 * The telemetry tests' harness: their own database and queue prefix, a Control serving the probe
 * workflows (to start runs and decide approvals as a client would), and probe worker processes
 * configured only through environment variables, that a test can SIGKILL.
 */
import { loadConfig, processEnv } from "../../config/env";
import { createControl, createControlDeps, systemActor } from "../../control";
import type { Control } from "../../control/types";
import { createLogger } from "../../log/logger";
import { createTestDatabase, type TestDatabase } from "../../testing/database";
import { probeWorkflows } from "./probe-workflows";
import { spawnWorkerProcess, type WorkerProcess } from "../../testing/worker-process";
import { waitFor } from "../../testing/wait-for";
import { flushPrefix } from "../../testing/redis";


export type ProbeWorker = WorkerProcess;

export interface TelemetryHarness {
  database: TestDatabase;
  control: Control;
  /** Environment every probe worker gets (database, queue prefix, fast leases) */
  workerEnv: Record<string, string>;
  spawnWorker(label: string, options?: { env?: Record<string, string>; slowStepMs?: number }): Promise<ProbeWorker>;
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
  waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** OTEL_* variables of the test runner's own shell must not leak into the workers under test. */
function withoutOtelVariables(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && !entry[0].startsWith("OTEL_")),
  );
}

export async function createTelemetryHarness(label: string, overrides: Record<string, string> = {}): Promise<TelemetryHarness> {
  const database = await createTestDatabase(label);
  const workerEnv: Record<string, string> = {
    DATABASE_URL: database.url,
    WAYMARK_QUEUE_PREFIX: `wm-test-${label}-${process.pid}-${Date.now()}`,
    WAYMARK_LEASE_MS: "2000",
    WAYMARK_RECONCILE_INTERVAL_MS: "500",
    WAYMARK_STALE_QUEUED_MS: "2000",
    WAYMARK_DEMO_LLM_LATENCY_MS: "10",
    WAYMARK_SHUTDOWN_GRACE_MS: "2000",
    WAYMARK_LOG_LEVEL: "warn",
    OTEL_BSP_SCHEDULE_DELAY: "100",
    ...overrides,
  };
  const config = loadConfig({ ...withoutOtelVariables(processEnv()), ...workerEnv });
  const deps = createControlDeps(config, createLogger({ name: `harness:${label}`, level: "warn" }), {
    applicationName: "waymark-test",
    workflows: probeWorkflows(),
  });
  const control = createControl(deps);
  const workers = new Set<ProbeWorker>();

  async function spawnWorker(workerLabel: string, options: { env?: Record<string, string>; slowStepMs?: number } = {}): Promise<ProbeWorker> {
    const worker = await spawnWorkerProcess({
      script: "lib/telemetry/testing/probe-worker.ts",
      args: ["--label", workerLabel, "--slow-step-ms", String(options.slowStepMs ?? 0)],
      label: workerLabel,
      baseEnv: withoutOtelVariables(processEnv()),
      env: { ...workerEnv, ...(options.env ?? {}) },
    });
    workers.add(worker);
    void worker.exited.then(() => workers.delete(worker));
    return worker;
  }

  return {
    database,
    control,
    workerEnv,
    spawnWorker,
    async query<T>(sql: string, params: unknown[] = []) {
      return (await database.db.pool.query(sql, params)).rows as T[];
    },
    waitFor,
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
