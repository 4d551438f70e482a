/**
 * A worker process serving the fixture workflows, for tests that SIGKILL workers.
 * Usage: tsx lib/testing/fixture-worker.ts [--variant original|reordered] [--label name]
 * Configuration comes from the environment like any worker (DATABASE_URL, REDIS_URL, WAYMARK_*).
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { getConfig } from "../config/env";
import { startWorkerRuntime } from "../control/worker-runtime";
import { createLogger } from "../log/logger";
import { configureFixtures, fixtureWorkflows } from "./fixture-workflows";

const { values } = parseArgs({
  options: { variant: { type: "string", default: "original" }, label: { type: "string", default: `w${process.pid}` } },
});
const variant = values.variant === "reordered" ? "reordered" : "original";
const config = getConfig();
const log = createLogger({ name: `fixture-worker:${values.label}`, level: config.WAYMARK_LOG_LEVEL });

const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
pool.on("error", () => undefined);
configureFixtures(pool, values.label!);

const runtime = await startWorkerRuntime(config, log, { workflows: fixtureWorkflows(variant), workerId: values.label });
process.stdout.write(`READY ${runtime.workerId}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => void runtime.shutdown().then(() => pool.end()).then(() => process.exit(0)));
}
