/** Spawns fixture worker processes that tests can SIGKILL and restart. */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { processEnv } from "../config/env";
import "./encryption-keys";

const root = fileURLToPath(new URL("../../", import.meta.url));

export interface WorkerProcess {
  label: string;
  child: ChildProcess;
  /** Resolves when the process has exited */
  exited: Promise<number | null>;
  kill(signal?: NodeJS.Signals): Promise<void>;
  output(): string;
}

/**
 * Starts `script` as a worker process and resolves once it prints READY. `node --import tsx`
 * rather than the tsx binary: the binary runs the script in a child process, so a SIGKILL would
 * hit the wrapper and leave the real worker running.
 */
export async function spawnWorkerProcess(options: {
  script: string;
  args?: string[];
  label: string;
  env: Record<string, string>;
  /** The environment the worker inherits before `env`. @defaultValue this process's environment */
  baseEnv?: Record<string, string | undefined>;
}): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", options.script, ...(options.args ?? [])], {
    cwd: root,
    env: { ...(options.baseEnv ?? processEnv()), WAYMARK_LOG_LEVEL: "warn", ...options.env } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${options.label} did not start:\n${out}`)), 30_000);
    const onData = () => {
      if (out.includes("READY")) {
        clearTimeout(timer);
        child.stdout!.off("data", onData);
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`worker ${options.label} exited during start:\n${out}`));
    });
  });
  return {
    label: options.label,
    child,
    exited,
    output: () => out,
    async kill(signal = "SIGKILL") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

/** A worker serving the fixture workflows (lib/testing/fixture-worker.ts). */
export function spawnFixtureWorker(options: {
  env: Record<string, string>;
  label: string;
  variant?: "original" | "reordered";
}): Promise<WorkerProcess> {
  return spawnWorkerProcess({
    script: "lib/testing/fixture-worker.ts",
    args: ["--label", options.label, "--variant", options.variant ?? "original"],
    label: options.label,
    env: options.env,
  });
}
