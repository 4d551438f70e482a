/**
 * `npm run worker`: one worker process. Run more of them, on more machines, against the same
 * Postgres and Redis to scale out. SIGTERM/SIGINT stop it gracefully.
 */
import { getConfig } from "../lib/config/env";
import { startBudgetAlertDelivery } from "../lib/control/budget-alerts";
import { startWorkerRuntime } from "../lib/control/worker-runtime";
import { createLogger } from "../lib/log/logger";
import { activeKeyRing } from "../lib/security/secret-box";

const config = getConfig();
const log = createLogger({ name: "worker", level: config.WAYMARK_LOG_LEVEL });

// A worker never creates a key (one of its own would make other processes' data unreadable): it
// needs WAYMARK_ENCRYPTION_KEYS or the key file that `npm start` / `npm run web` created.
try {
  activeKeyRing();
} catch (error) {
  log.error("Worker has no usable encryption key", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

const runtime = await startWorkerRuntime(config, log).catch((error: unknown) => {
  log.error("Worker failed to start", { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});

// Budget alerts wait in a Postgres outbox; every worker helps deliver them.
const alerts = startBudgetAlertDelivery(config, log);

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => {
    log.info(`Received ${signal}; finishing in-flight ticks`);
    void Promise.all([runtime.shutdown(), alerts.stop()]).then(() => process.exit(0));
  });
}
