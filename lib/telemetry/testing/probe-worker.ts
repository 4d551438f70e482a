/**
 * A worker process serving the telemetry probe workflows, for tests that configure export with
 * environment variables and SIGKILL workers.
 * Usage: node --import tsx lib/telemetry/testing/probe-worker.ts --label w1 [--slow-step-ms 60000]
 */
import { parseArgs } from "node:util";
import { getConfig } from "../../config/env";
import { startWorkerRuntime } from "../../control/worker-runtime";
import { createLogger } from "../../log/logger";
import { configureProbe, probeWorkflows } from "./probe-workflows";

const { values } = parseArgs({
  options: { label: { type: "string", default: `probe-${process.pid}` }, "slow-step-ms": { type: "string", default: "0" } },
});
configureProbe({ slowStepMs: Number(values["slow-step-ms"]) });
const config = getConfig();
const log = createLogger({ name: `probe-worker:${values.label}`, level: config.WAYMARK_LOG_LEVEL });
const runtime = await startWorkerRuntime(config, log, { workflows: probeWorkflows(), workerId: values.label });
process.stdout.write(`READY ${runtime.workerId}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void runtime.shutdown().then(() => process.exit(0)));
}
