/**
 * `npm run worker`: one worker process. Run more of them, on more machines, against the same
 * Postgres and Redis to scale out. SIGTERM/SIGINT stop it gracefully.
 */
import { getConfig } from "../lib/config/env";
import { startWorkerRuntime } from "../lib/control/worker-runtime";
import { createLogger } from "../lib/log/logger";

const config = getConfig();
const log = createLogger({ name: "worker", level: config.WAYMARK_LOG_LEVEL });

const runtime = await startWorkerRuntime(config, log).catch((error: unknown) => {
  log.error("Worker failed to start", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log.info(`Received ${signal}; finishing in-flight ticks`);
    void runtime.shutdown().then(() => process.exit(0));
  });
}
