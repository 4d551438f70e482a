/**
 * The telemetry tests' harness: their own database and queue prefix, a Control serving the probe
 * workflows (to start runs and decide approvals as a client would), and probe worker processes
 * configured only through environment variables, that a test can SIGKILL.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { loadConfig, processEnv } from "../../config/env";
import { createControl, createControlDeps, systemActor } from "../../control";
import type { Control } from "../../control/types";
import { createLogger } from "../../log/logger";
import { createTestDatabase, type TestDatabase } from "../../testing/database";
import { probeWorkflows } from "./probe-workflows";

const root = fileURLToPath(new URL("../../../", import.meta.url));

export interface ProbeWorker {
  label: string;
  child: ChildProcess;
  output(): string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

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
    // `node --import tsx` keeps the worker one process, so SIGKILL hits the worker itself.
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "lib/telemetry/testing/probe-worker.ts", "--label", workerLabel, "--slow-step-ms", String(options.slowStepMs ?? 0)],
      {
        cwd: root,
        env: { ...withoutOtelVariables(processEnv()), ...workerEnv, ...(options.env ?? {}) } as NodeJS.ProcessEnv,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout!.on("data", (d) => (out += d));
    child.stderr!.on("data", (d) => (out += d));
    const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`probe worker ${workerLabel} did not start:\n${out}`)), 30_000);
      const onData = () => {
        if (!out.includes("READY")) return;
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      };
      child.stdout!.on("data", onData);
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`probe worker ${workerLabel} exited during start:\n${out}`));
      });
    });
    const worker: ProbeWorker = {
      label: workerLabel,
      child,
      output: () => out,
      async kill(signal = "SIGKILL") {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        await exited;
      },
    };
    workers.add(worker);
    void exited.then(() => workers.delete(worker));
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
    async waitFor(what, probe, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: unknown;
      while (Date.now() < deadline) {
        try {
          const value = await probe();
          if (value) return value;
        } catch (error) {
          last = error;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error(`Timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ""}`);
    },
    async close() {
      await Promise.all([...workers].map((w) => w.kill("SIGKILL")));
      await deps.close();
      await database.drop();
    },
  };
}

export { systemActor };
