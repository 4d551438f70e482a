/**
 * A worker process serving the fixture workflows, for tests that SIGKILL workers.
 * Usage: tsx lib/testing/fixture-worker.ts [--variant original|reordered] [--label name]
 * Configuration comes from the environment like any worker (DATABASE_URL, REDIS_URL, WAYMARK_*),
 * plus, for tests only, WAYMARK_FIXTURE_OMIT: comma-separated `name@version`s this worker lacks.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import { getConfig, processEnv } from "../config/env";
import { createDb } from "../data/db";
import { loadRegistry, syncWorkflowDefinitions } from "../control/registry";
import { startWorkerPresence } from "../control/worker-presence";
import { startWorkerRuntime } from "../control/worker-runtime";
import { createLogger } from "../log/logger";
import { configureFixtures, fixtureWorkflows } from "./fixture-workflows";

const { values } = parseArgs({
  options: { variant: { type: "string", default: "original" }, label: { type: "string", default: `w${process.pid}` } },
});
const variant = values.variant === "reordered" ? "reordered" : "original";
const config = getConfig();
const log = createLogger({ name: `fixture-worker:${values.label}`, level: config.WAYMARK_LOG_LEVEL });

const omitted = new Set((processEnv().WAYMARK_FIXTURE_OMIT ?? "").split(",").map((key) => key.trim()).filter(Boolean));
const workflows = fixtureWorkflows(variant).filter((def) => !omitted.has(`${def.name}@${def.version}`));

const pool = new pg.Pool({ connectionString: config.DATABASE_URL, max: 4 });
pool.on("error", () => undefined);
configureFixtures(pool, values.label!);

// Worker presence with a fast heartbeat (tests wait on it), recorded before the runtime starts so
// READY comes as soon as the runtime runs (a poison run may kill this process right after that).
// The runtime's own startWorkerPresence is then a no-op for this worker id. The registry is synced
// like the runtime's, so versions the runtime refuses are reported as refused.
const presenceDb = createDb(config.DATABASE_URL, { max: 2, applicationName: "waymark-fixture-presence" });
const registry = loadRegistry(workflows);
const quiet = { debug() {}, info() {}, warn() {}, error() {} }; // the runtime logs any refusal itself
await syncWorkflowDefinitions(presenceDb, registry, quiet);
const presence = await startWorkerPresence({ db: presenceDb, registry, log }, { workerId: values.label!, heartbeatMs: 500 });

const runtime = await startWorkerRuntime(config, log, { workflows, workerId: values.label });
process.stdout.write(`READY ${runtime.workerId}\n`);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () =>
    void presence
      .stop()
      .then(() => runtime.shutdown())
      .then(() => Promise.all([pool.end(), presenceDb.close()]))
      .then(() => process.exit(0)),
  );
}
