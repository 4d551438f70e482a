/**
 * Budget alert delivery in a worker process: its own small pool, polling the outbox
 * (lib/alerts/deliver.ts). Every worker runs one; leases keep them from sending an alert twice.
 */
import type { Config } from "../config/env";
import { startAlertDelivery } from "../alerts/deliver";
import type { Logger } from "../engine/types";
import { createDb } from "./data-port";

export function startBudgetAlertDelivery(config: Config, log: Logger): { stop(): Promise<void> } {
  const db = createDb(config.DATABASE_URL, { applicationName: "waymark-alerts", max: 2, log });
  const delivery = startAlertDelivery(db.pool, { pollMs: config.WAYMARK_ALERT_POLL_MS, allowAddresses: config.WAYMARK_ALERT_ALLOW_ADDRESSES, log });
  return {
    async stop() {
      await delivery.stop();
      await db.close();
    },
  };
}
