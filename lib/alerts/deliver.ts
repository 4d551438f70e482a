/**
 * Delivers queued alerts: each is POSTed to the alert endpoint, signed with the Standard Webhooks
 * scheme (`webhook-id` = the outbox id, so a receiver can drop a repeat after a crash between the
 * send and the bookkeeping), through the SSRF guard. A 2xx marks it delivered; anything else
 * retries with backoff. Error texts name the endpoint by origin only (its path may hold a token).
 */
import type { Pool } from "pg";
import { Webhook } from "standardwebhooks";
import type { Logger } from "../engine/types";
import { alertDestination } from "./endpoint-store";
import { guardedPost } from "./guarded-post";
import { claimDueAlerts, markAlertDelivered, markAlertFailed, type OutboxAlert } from "./outbox";

export interface AlertDeliveryOptions {
  /** Exact internal addresses allowed as destinations (tests: "127.0.0.1"). @defaultValue [] */
  allowAddresses?: readonly string[];
  /** Alerts claimed per round. @defaultValue 20 */
  batchSize?: number;
  /** How long a claimed alert is held before another worker may take it. @defaultValue 60000 */
  leaseMs?: number;
  /** Per request. @defaultValue 10000 */
  timeoutMs?: number;
  log?: Pick<Logger, "warn" | "info">;
}

/** The signed request of one alert. */
export function signedAlert(alert: Pick<OutboxAlert, "id" | "payload">, secret: string, at = new Date()) {
  const body = JSON.stringify(alert.payload);
  const signature = new Webhook(secret).sign(alert.id, at, body);
  const headers = { "webhook-id": alert.id, "webhook-timestamp": String(Math.floor(at.getTime() / 1000)), "webhook-signature": signature };
  return { body, headers };
}

/** One round: claims due alerts and tries each once. Returns how many were delivered. */
export async function deliverDueAlerts(pool: Pick<Pool, "query">, options: AlertDeliveryOptions = {}): Promise<number> {
  const alerts = await claimDueAlerts(pool, { limit: options.batchSize ?? 20, leaseMs: options.leaseMs ?? 60_000 });
  if (alerts.length === 0) return 0;
  const destination = await alertDestination(pool);
  let delivered = 0;
  for (const alert of alerts) {
    if (!destination) {
      await markAlertFailed(pool, alert, "No enabled alert endpoint is set.", { drop: true });
      continue;
    }
    const origin = new URL(destination.url).origin;
    try {
      const { body, headers } = signedAlert(alert, destination.secret);
      const status = await guardedPost(destination.url, body, { headers, allowAddresses: options.allowAddresses, timeoutMs: options.timeoutMs });
      if (status < 200 || status >= 300) throw new Error(`${origin} answered ${status}`);
      await markAlertDelivered(pool, alert.id);
      delivered++;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const message = reason.includes(origin) ? reason : `${origin}: ${reason}`;
      options.log?.warn("Budget alert delivery failed; it will be retried", { alertId: alert.id, attempt: alert.attempts, error: message });
      await markAlertFailed(pool, alert, message);
    }
  }
  return delivered;
}

/**
 * Delivers alerts every `pollMs` until stopped; `stop()` waits for the round in flight. While the
 * database is unreachable, rounds back off (up to a minute) and the trouble is logged once.
 */
export function startAlertDelivery(pool: Pick<Pool, "query">, options: AlertDeliveryOptions & { pollMs: number }): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> = Promise.resolve();
  let failures = 0;
  const tick = () => {
    round = deliverDueAlerts(pool, options)
      .then(() => {
        if (failures > 0) options.log?.info("Budget alert delivery works again");
        failures = 0;
      })
      .catch((error: unknown) => {
        if (failures++ === 0) options.log?.warn("Budget alert round failed; retrying with backoff", { error: String(error) });
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, Math.min(options.pollMs * 2 ** failures, 60_000));
      });
  };
  timer = setTimeout(tick, 0);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await round;
    },
  };
}
